/// A message prepared once for many receivers by ``PreparedDeflateCompressor``: the complete
/// server frame in plain form and, when compression pays, in compressed form (RSV1 set).
///
/// Writing these bytes bypasses the receiver's ``WebSocketCodec/WSConnection``, which is correct
/// for server frames (they are unmasked, and sending keeps no state but the compression
/// context), provided the host checks that the connection is still ``WebSocketCodec/WSConnection/State/open``.
public struct PreparedDeflateMessage: Hashable, Sendable {
    /// The uncompressed frame: valid for every receiver, with or without permessage-deflate.
    public let plainFrame: [UInt8]
    /// The compressed frame, `nil` when the message was below the minimum size or did not shrink.
    public let compressedFrame: [UInt8]?
    /// The window the compressed frame was made with.
    public let windowBits: Int

    /// Creates a prepared message from frames made elsewhere.
    public init(plainFrame: [UInt8], compressedFrame: [UInt8]?, windowBits: Int) {
        self.plainFrame = plainFrame
        self.compressedFrame = compressedFrame
        self.windowBits = windowBits
    }

    /// The frame to write to a receiver, given what it negotiated (`nil`: no permessage-deflate);
    /// `nil` when the prepared bytes cannot be used and the message must go through the
    /// receiver's own connection.
    ///
    /// - A receiver without permessage-deflate gets ``plainFrame``.
    /// - A receiver with `server_no_context_takeover` and a window at least ``windowBits`` gets
    ///   ``compressedFrame`` (or ``plainFrame`` if the message was not compressed).
    /// - A receiver whose server compressor keeps its context gets ``plainFrame`` when the
    ///   message was not compressed (an uncompressed message leaves both contexts untouched),
    ///   otherwise `nil`: its compressor's window must see the message.
    public func frame(for deflate: PermessageDeflateParameters?) -> [UInt8]? {
        guard let deflate, let compressedFrame else { return plainFrame }
        guard deflate.serverNoContextTakeover && deflate.effectiveServerWindowBits >= windowBits else { return nil }
        return compressedFrame
    }

    /// The bytes on the wire saved per compatible receiver.
    public var bytesSaved: Int {
        compressedFrame.map { plainFrame.count - $0.count } ?? 0
    }
}
