public import WebSocketCodec

/// Compresses a message once for all its receivers: a broadcast, or a message published to many
/// subscribers.
///
/// Why: compressing a broadcast per connection multiplies its CPU cost by the number of
/// receivers (Gorilla's and Centrifugo's "prepared messages" came from production servers where
/// it doubled CPU). When a connection negotiated `server_no_context_takeover`, the server
/// compresses each message without reference to earlier ones, so a message compressed once by a
/// fresh compressor is exactly what every such connection would send.
///
/// Keep one compressor per publishing thread or task (it holds one zlib stream, about 320 KB at
/// window 15 and memory level 8) and call ``prepare(opcode:payload:)`` once per published message:
///
/// ```swift
/// var compressor = PreparedDeflateCompressor(configuration: deflateConfiguration)
/// let prepared = compressor.prepare(opcode: .text, payload: Array(json.utf8))
/// for subscriber in subscribers where subscriber.connection.state == .open {
///     if let frame = prepared.frame(for: subscriber.deflate) {
///         subscriber.write(frame)  // the same bytes for every compatible receiver
///     } else {
///         subscriber.write(try subscriber.connection.sendText(json))  // compresses with context
///     }
/// }
/// ```
public struct PreparedDeflateCompressor: Sendable {
    /// The settings: ``PermessageDeflateConfiguration/serverMaxWindowBits``,
    /// ``PermessageDeflateConfiguration/memoryLevel``, ``PermessageDeflateConfiguration/compressionLevel``
    /// and ``PermessageDeflateConfiguration/minimumMessageSize``.
    public let configuration: PermessageDeflateConfiguration
    private var deflater: ZlibDeflater?

    /// Creates a compressor; its zlib stream is allocated on first use.
    public init(configuration: PermessageDeflateConfiguration) {
        self.configuration = configuration
    }

    /// Compresses `payload` once (unless it is shorter than the minimum size, or compression
    /// does not make it smaller) and encodes both server frames: the compressed one with RSV1
    /// and the plain one.
    ///
    /// - Complexity: One deflate of the payload, two frame encodings.
    public mutating func prepare(opcode: WSOpcode, payload: [UInt8]) -> PreparedDeflateMessage {
        let plainFrame = WSFrameEncoder.serverFrame(opcode: opcode, payload: payload)
        let compressedFrame = compressedPayload(payload).map {
            WSFrameEncoder.serverFrame(opcode: opcode, payload: $0, reservedBits: .rsv1)
        }
        return PreparedDeflateMessage(
            plainFrame: plainFrame, compressedFrame: compressedFrame, windowBits: configuration.serverMaxWindowBits)
    }

    /// The payload of a compressed message (RFC 7692 §7.2.1, without context), for hosts that
    /// frame it themselves: write `WSFrameEncoder.serverHeaderBytes(opcode:payloadLength:reservedBits: .rsv1)`
    /// and then these bytes to each receiver that negotiated `server_no_context_takeover` with a window
    /// of at least ``PermessageDeflateConfiguration/serverMaxWindowBits``. `nil` when the message
    /// is shorter than the minimum size or does not shrink: send it uncompressed.
    public mutating func compressedPayload(_ payload: [UInt8]) -> [UInt8]? {
        guard payload.count >= configuration.minimumMessageSize else { return nil }
        if deflater == nil {
            deflater = ZlibDeflater(
                windowBits: configuration.serverMaxWindowBits,
                memoryLevel: configuration.memoryLevel,
                level: configuration.compressionLevel
            )
        } else if !isKnownUniquelyReferenced(&deflater) {
            deflater = deflater?.copy()
        }
        // Set just above.
        let deflater = self.deflater!
        let compressed = PermessageDeflate.compress(payload, with: deflater)
        deflater.reset()
        return compressed.count < payload.count ? compressed : nil
    }
}
