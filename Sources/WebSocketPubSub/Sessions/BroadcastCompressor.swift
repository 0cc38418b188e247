/// Compresses a published message once for every connection that takes a compressed payload.
///
/// Why: compressing a broadcast per connection multiplies its CPU cost by the number of receivers.
/// A connection that negotiated permessage-deflate with `server_no_context_takeover` compresses
/// each message on its own, so one compression serves them all. The core stays free of zlib: a
/// host implements this with `WebSocketCompression`'s `PreparedDeflateCompressor`.
public protocol BroadcastCompressor: Sendable {
    /// The compressed form of `payload`, or `nil` to send it uncompressed (too short, or it does not
    /// shrink). Called once per published message, from many tasks at once.
    func compressedPayload(_ payload: [UInt8]) -> [UInt8]?
}
