/// What ``PubSubGateway/connect(_:)`` decided about a handshake.
public enum ConnectResult: Hashable, Sendable {
    /// The connection was authorized and recorded; complete the handshake (101).
    case accepted(Connection)
    /// The handshake must be refused with this HTTP status and reason; record nothing.
    case rejected(status: Int, reason: String)
}
