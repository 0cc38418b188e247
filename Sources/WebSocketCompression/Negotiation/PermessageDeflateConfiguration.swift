/// What an endpoint offers or accepts of permessage-deflate, and how it compresses.
///
/// Memory per connection: each direction keeps one zlib stream, created on first use. A deflate
/// stream costs `2^(windowBits+2) + 2^(memoryLevel+9)` bytes plus about 6 KB of state (zlib's
/// `zconf.h`), an inflate stream `2^windowBits` plus about 7 KB: measured, 308 KB per connection
/// at window 15 and memory level 8 (what browsers get unless the server limits it), 50 KB at
/// windows 12 and memory level 5, 31.5 KB at 11/4 (the client's window limited to 11 too). Lower ``serverMaxWindowBits``,
/// ``clientMaxWindowBits`` and ``memoryLevel`` on servers with many connections; the ratio of
/// small messages barely changes. ``estimatedMemoryPerConnection(deflateWindowBits:inflateWindowBits:)``
/// computes the figure.
public struct PermessageDeflateConfiguration: Hashable, Sendable {
    /// Server: the largest window the server compresses with; it answers with
    /// `server_max_window_bits` when this is below 15 or the client asked for less.
    /// Client: below 15, the offer asks the server for `server_max_window_bits` of this value.
    /// 8...15; default 15.
    public var serverMaxWindowBits: Int
    /// Server: the largest window it accepts from the client, which is the size of its
    /// decompression window; below 15, an offer without `client_max_window_bits` is declined.
    /// Client: the largest window the client compresses with, offered as `client_max_window_bits`.
    /// 8...15; default 15.
    public var clientMaxWindowBits: Int
    /// Server: answer with `server_no_context_takeover` (allowed whether or not the client asked),
    /// so each message is compressed on its own; this is what lets a server compress a broadcast
    /// once for all receivers (``PreparedDeflateMessage``). Client: ask for it. Default `true`
    /// for a server configuration, `false` for a client one.
    public var serverNoContextTakeover: Bool
    /// Server: answer with `client_no_context_takeover`, so the client resets its compressor
    /// after each message. Client: announce it in the offer. Default `false`.
    public var clientNoContextTakeover: Bool
    /// zlib's `memLevel` for the compressor, 1...9: the memory of its match-finding structures
    /// (`2^(memoryLevel+9)` bytes). Default 8.
    public var memoryLevel: Int
    /// zlib's compression level, 0...9, or -1 for its default (6). Default 6.
    public var compressionLevel: Int
    /// Messages shorter than this many bytes are sent uncompressed (RSV1 clear): compressing
    /// them saves little and costs CPU. Default 256.
    public var minimumMessageSize: Int

    /// Creates a configuration. Window bits are clamped to 8...15, the memory level to 1...9.
    public init(
        serverMaxWindowBits: Int = 15,
        clientMaxWindowBits: Int = 15,
        serverNoContextTakeover: Bool = true,
        clientNoContextTakeover: Bool = false,
        memoryLevel: Int = 8,
        compressionLevel: Int = 6,
        minimumMessageSize: Int = 256
    ) {
        self.serverMaxWindowBits = min(max(serverMaxWindowBits, 8), 15)
        self.clientMaxWindowBits = min(max(clientMaxWindowBits, 8), 15)
        self.serverNoContextTakeover = serverNoContextTakeover
        self.clientNoContextTakeover = clientNoContextTakeover
        self.memoryLevel = min(max(memoryLevel, 1), 9)
        self.compressionLevel = min(max(compressionLevel, -1), 9)
        self.minimumMessageSize = max(minimumMessageSize, 0)
    }

    /// A client's configuration: the offer asks for nothing, so the server decides, and accepts
    /// any limit the server sets on the client's window.
    public static var client: PermessageDeflateConfiguration {
        PermessageDeflateConfiguration(serverNoContextTakeover: false)
    }

    /// Estimated bytes of zlib memory per connection with these settings (one compressor at
    /// the given window and memory level, one decompressor), for capacity planning.
    public func estimatedMemoryPerConnection(deflateWindowBits: Int, inflateWindowBits: Int) -> Int {
        (1 << (deflateWindowBits + 2)) + (1 << (memoryLevel + 9)) + 6 * 1024
            + (1 << max(inflateWindowBits, 9)) + 7 * 1024
    }
}
