/// The verdict of the first half of `$connect` (``PubSubGateway/authorize(_:)``).
public enum ConnectAuthorization: Sendable {
    /// The handshake may proceed; record the connection with ``PubSubGateway/record(_:)`` (or open a
    /// session with ``SessionHub/open(_:transport:)``) once the upgrade has completed.
    case accepted(AuthorizedConnection)
    /// Refuse the handshake with this HTTP status (4xx or 5xx) and reason; nothing was recorded.
    case rejected(status: Int, reason: String)
}

/// A handshake the `$connect` authorizer accepted, not yet recorded.
public struct AuthorizedConnection: Sendable {
    /// The handshake as the host described it.
    public var request: ConnectRequest
    /// What the authorizer attached: the caller's identity, copied into the connection's record.
    public var attributes: [String: String]

    /// Wraps an accepted request.
    public init(request: ConnectRequest, attributes: [String: String] = [:]) {
        self.request = request
        self.attributes = attributes
    }

    /// The connection's id.
    public var id: ConnectionID { request.id }
}
