import Foundation
import NIOCore
import Vapor
import WebSocketPubSub

extension RoutesBuilder {
    /// Serves the pub/sub API over WebSocket at `path`: every connection is a ``PubSubSession`` of `hub`.
    ///
    /// `$connect` runs in two steps, because Vapor's `shouldUpgrade` cannot answer an HTTP status:
    /// this route authorizes the request first (a refusal is answered with the authorizer's status and
    /// `{"error":…}`; a plain `GET` with `426 Upgrade Required`), then upgrades and opens the session
    /// of the connection it accepted. What websocket-kit leaves unchecked is checked as frames arrive
    /// (see ``InboundFrameGuard``): a message over `maxMessageBytes` closes with 1009 however it is
    /// fragmented, invalid UTF-8 in text with 1007, a protocol violation with 1002. Messages reach the
    /// session through websocket-kit's synchronous callbacks, in the order they arrived. Each connection
    /// is logged at `info` on the request's logger: `open ID from ADDRESS` and, once its socket is gone,
    /// `close ID from ADDRESS`.
    ///
    /// - Parameters:
    ///   - path: Where the endpoint is; none: the root.
    ///   - hub: The sessions of this process.
    ///   - maxMessageBytes: The largest message a client may send, whole.
    ///   - subprotocols: The subprotocols the server selects from a client's offer, in order of preference.
    @discardableResult
    public func pubSubWebSocket(
        _ path: PathComponent...,
        hub: SessionHub,
        maxMessageBytes: Int = 131_072,
        subprotocols: [String] = ["websocket"]
    ) -> Route {
        on(.GET, path) { request async -> Response in
            guard Self.isOpeningHandshake(request) else { return Response(EndpointResponse.upgradeRequired) }
            let subprotocol = SubprotocolSelection.select(
                offered: request.headers[.secWebSocketProtocol], supported: subprotocols)
            let connectRequest = ConnectRequest(
                id: .random(),
                remoteAddress: request.remoteAddress.map(Self.describe),
                subprotocol: subprotocol,
                path: request.url.path,
                headers: request.headers.map { (name: $0.name, value: $0.value) }
            )
            switch await hub.authorize(connectRequest) {
            case .rejected(let status, let reason):
                return Response(EndpointResponse.error(status, reason))
            case .accepted(let connection):
                let response = Response(status: .switchingProtocols)
                response.upgrader = PubSubWebSocketUpgrader(
                    maxMessageBytes: maxMessageBytes, subprotocol: subprotocol
                ) { webSocket, channel in
                    VaporSessionBridge.start(
                        connection, on: webSocket, channel: channel, hub: hub, logger: request.logger)
                }
                return response
            }
        }
    }

    /// Whether `request` is a WebSocket opening handshake Vapor can complete (Vapor would answer a
    /// request without `Connection: upgrade` with a bare 101).
    private static func isOpeningHandshake(_ request: Request) -> Bool {
        let connection = request.headers[.connection].flatMap { $0.split(separator: ",") }
        let upgrade = request.headers[.upgrade].flatMap { $0.split(separator: ",") }
        func contains(_ tokens: [Substring], _ token: String) -> Bool {
            tokens.contains { $0.trimmingCharacters(in: .whitespaces).lowercased() == token }
        }
        return contains(connection, "upgrade") && contains(upgrade, "websocket")
            && request.headers.first(name: "Sec-WebSocket-Version") == "13"
            && request.headers.first(name: "Sec-WebSocket-Key")?.isEmpty == false
    }

    /// `203.0.113.7:50312`, the form the core's connection records use.
    private static func describe(_ address: SocketAddress) -> String {
        guard let ip = address.ipAddress, let port = address.port else { return "\(address)" }
        return address.protocol == .inet6 ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }
}
