public import Foundation

/// What the stores remember about one client connection.
///
/// The `$connect` route records it; an authorizer may fill ``attributes`` with the caller's
/// identity (a user id, a tenant) so that later routes can read it without another lookup.
public struct Connection: Hashable, Sendable {
    /// The connection's identity.
    public var id: ConnectionID
    /// The peer's address as the host saw it (for example `203.0.113.7:50312`), if known.
    public var remoteAddress: String?
    /// When the connection was opened.
    public var connectedAt: Date
    /// When the connection last sent a message; the idle sweep removes connections whose value is old.
    public var lastActiveAt: Date
    /// The WebSocket subprotocol the handshake selected, if any (the article's clients use `websocket`).
    public var subprotocol: String?
    /// Free-form attributes, typically the identity an authorizer established.
    public var attributes: [String: String]

    /// Creates a connection record; `lastActiveAt` defaults to `connectedAt`.
    public init(
        id: ConnectionID,
        remoteAddress: String? = nil,
        connectedAt: Date,
        lastActiveAt: Date? = nil,
        subprotocol: String? = nil,
        attributes: [String: String] = [:]
    ) {
        self.id = id
        self.remoteAddress = remoteAddress
        self.connectedAt = connectedAt
        self.lastActiveAt = lastActiveAt ?? connectedAt
        self.subprotocol = subprotocol
        self.attributes = attributes
    }
}
