/// The outcome of ``SessionHub/connect(_:transport:)``.
public enum SessionConnectResult: Sendable {
    /// The connection was authorized and recorded; its session is open.
    case opened(PubSubSession)
    /// The `$connect` authorizer refused it; answer the handshake with this HTTP status and reason.
    case rejected(status: Int, reason: String)
    /// It was authorized, but could not be opened (a store failed, or the hub is shutting down); the
    /// hub has already asked the transport to close with the code it names.
    case failed(closeCode: UInt16, reason: String)
}
