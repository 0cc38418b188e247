/// What a ``WSMessageAssembler`` produces: a complete data message or a control frame.
public enum WSMessage: Hashable, Sendable {
    /// A complete text message, validated as UTF-8.
    case text(WSText)
    /// A complete binary message.
    case binary([UInt8])
    /// A ping with its payload (at most 125 bytes).
    case ping([UInt8])
    /// A pong with its payload (at most 125 bytes).
    case pong([UInt8])
    /// A close frame with its validated payload.
    case close(WSClosePayload)
}
