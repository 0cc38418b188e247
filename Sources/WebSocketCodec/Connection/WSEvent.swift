/// Something the peer did, reported by ``WSConnection/receive(_:)-(UnsafeRawBufferPointer)``.
public enum WSEvent: Hashable, Sendable {
    /// A complete text message, validated as UTF-8.
    case text(WSText)
    /// A complete binary message.
    case binary([UInt8])
    /// A ping; the pong is already in the result's output unless pings are answered by the host.
    case ping([UInt8])
    /// A pong.
    case pong([UInt8])
    /// The connection closed: by the peer's close frame (its code, or 1005 when it gave none), or
    /// by the end of the stream without one (1006, reported by ``WSConnection/receiveEndOfStream()``).
    case close(code: WSCloseCode, reason: String)
    /// The peer violated the protocol; the connection is failed with the error's close code.
    case protocolError(WSProtocolError)
}
