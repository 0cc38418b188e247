public import Foundation
public import WebSocketPubSub

extension Connection {
    /// The instant fixtures are opened at by default: 2023-11-14 22:13:20 UTC, whole seconds so that
    /// any store round-trips it.
    public static let fixtureDate = Date(timeIntervalSince1970: 1_700_000_000)

    /// A connection record for tests, with a default for every field.
    ///
    /// ```swift
    /// try await connections.insert(.fixture(id: "c1"))
    /// let admin = Connection.fixture(id: "c2", attributes: ["role": "admin"])
    /// ```
    ///
    /// - Parameters:
    ///   - id: The connection id's text.
    ///   - remoteAddress: The peer's address; a loopback address by default.
    ///   - connectedAt: When it opened; ``fixtureDate`` by default.
    ///   - lastActiveAt: Its last activity; `connectedAt` when `nil`.
    ///   - subprotocol: The negotiated subprotocol; none by default.
    ///   - attributes: What an authorizer recorded; none by default.
    public static func fixture(
        id: String = "connection-1",
        remoteAddress: String? = "127.0.0.1:50000",
        connectedAt: Date = fixtureDate,
        lastActiveAt: Date? = nil,
        subprotocol: String? = nil,
        attributes: [String: String] = [:]
    ) -> Connection {
        Connection(
            id: ConnectionID(id),
            remoteAddress: remoteAddress,
            connectedAt: connectedAt,
            lastActiveAt: lastActiveAt,
            subprotocol: subprotocol,
            attributes: attributes
        )
    }
}
