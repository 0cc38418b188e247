import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import WebSocketPubSub

extension Router where Context: PubSubRequestContext {
    /// Serves the pub/sub API over WebSocket at `path`: every connection is a ``PubSubSession`` of `hub`.
    ///
    /// Add it to the router you pass as `webSocketRouter` to
    /// `HTTPServerBuilder.http1WebSocketUpgrade(webSocketRouter:configuration:)`, with
    /// `HTTP1WebSocketUpgradeChannel.Configuration.pubSub(maxMessageBytes:)`.
    ///
    /// `$connect` runs in two steps, because Hummingbird decides the upgrade before it hands over the
    /// socket: `shouldUpgrade` authorizes the request (a refusal is answered with the authorizer's
    /// HTTP status and `{"error":…}`), and `onUpgrade` opens the session of the connection it accepted.
    /// Messages are handled one at a time, in the order they arrive; a message over `maxMessageBytes`
    /// closes the connection with 1009, invalid UTF-8 in text with 1007. Each connection is logged at
    /// `info` on the request's logger: `open ID from ADDRESS` and, once its socket is gone,
    /// `close ID from ADDRESS`.
    ///
    /// - Parameters:
    ///   - path: Where the endpoint is.
    ///   - hub: The sessions of this process.
    ///   - maxMessageBytes: The largest message a client may send, whole (however it is fragmented).
    ///   - subprotocols: The subprotocols the server selects from a client's offer, in order of preference.
    @discardableResult
    public func addPubSubWebSocket(
        _ path: RouterPath = "/",
        hub: SessionHub,
        maxMessageBytes: Int = 131_072,
        subprotocols: [String] = ["websocket"]
    ) -> Self {
        ws(path) { request, context in
            let subprotocol = SubprotocolSelection.select(
                offered: request.headers[values: .secWebSocketProtocol], supported: subprotocols)
            let connectRequest = ConnectRequest(
                id: .random(),
                remoteAddress: context.pubSub.channel.remoteAddress.map(Self.describe),
                subprotocol: subprotocol,
                path: request.uri.path,
                headers: request.headers.map { (name: $0.name.rawName, value: $0.value) }
            )
            switch await hub.authorize(connectRequest) {
            case .accepted(let connection):
                OpeningUpgrades.begin(hub)
                context.pubSub.accept(connection)
                return .upgrade(subprotocol.map { [.secWebSocketProtocol: $0] } ?? [:])
            case .rejected(let status, let reason):
                try await RefusedUpgradeResponder.install(on: context.pubSub.channel, status: status, reason: reason)
                return .dontUpgrade
            }
        } onUpgrade: { inbound, outbound, context in
            let upgrade = context.requestContext.pubSub
            let transport = HummingbirdSessionTransport(outbound: outbound, channel: upgrade.channel)
            guard let connection = upgrade.take() else { return }
            let session = await hub.open(connection, transport: transport)
            OpeningUpgrades.end(hub)
            // No session: the store failed (the hub closed with 1011) or the server is shutting down (1001).
            guard let session else { return }
            let logger = context.logger
            let address = connection.request.remoteAddress ?? "?"
            logger.info("open \(session.id) from \(address)")
            defer { logger.info("close \(session.id) from \(address)") }
            do {
                for try await message in inbound.messages(maxSize: maxMessageBytes) {
                    switch message {
                    case .text(let text): await session.handle(text: text)
                    case .binary: await session.handleBinary()
                    }
                }
            } catch {
                // Over the size limit (1009), invalid UTF-8 (1007): Hummingbird closes with the error's code.
                session.transportClosed()
                throw error
            }
            session.transportClosed()
            await session.waitUntilEnded()
        }
    }

    /// `203.0.113.7:50312`, the form the core's connection records use.
    private static func describe(_ address: SocketAddress) -> String {
        guard let ip = address.ipAddress, let port = address.port else { return "\(address)" }
        return address.protocol == .inet6 ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }
}
