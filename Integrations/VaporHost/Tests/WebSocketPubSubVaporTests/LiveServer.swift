import NIOCore
import NIOPosix
import NIOWebSocket
import Vapor
import WebSocketKit
import WebSocketPubSub
import WebSocketPubSubVapor

/// The seed app's wiring around a test's own message router, served on a free loopback port.
final class LiveServer: Sendable {
    let gateway: PubSubGateway
    let hub: SessionHub
    let notifier: Notifier
    let app: Application

    init(router messageRouter: MessageRouter = MessageRouter(), maxMessageBytes: Int = 1024) async throws {
        let connections = InMemoryConnectionStore()
        let subscriptions = InMemorySubscriptionStore()
        gateway = PubSubGateway(router: messageRouter, connections: connections, subscriptions: subscriptions)
        hub = SessionHub(gateway: gateway)
        notifier = Notifier(
            connections: connections, subscriptions: subscriptions, sender: hub, retryPolicy: .noRetries)
        app = try await Application.make(.testing)
        app.pubSubWebSocket(hub: hub, maxMessageBytes: maxMessageBytes)
        app.pubSubEndpoints(publisher: notifier, gateway: gateway)
    }

    /// Runs `body` with the server listening, and stops it afterwards.
    func run(_ body: (Int) async throws -> Void) async throws {
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        do {
            try await body(app.http.server.shared.localAddress?.port ?? 0)
        } catch {
            await stop()
            throw error
        }
        await stop()
    }

    private func stop() async {
        await hub.shutdown()
        await app.server.shutdown()
        try? await app.asyncShutdown()
    }
}

/// A websocket-kit client whose received text messages arrive in a stream.
struct TestClient {
    let webSocket: WebSocket
    let messages: AsyncStream<String>

    static func connect(port: Int) async throws -> TestClient {
        let (messages, continuation) = AsyncStream.makeStream(of: String.self)
        let connected = MultiThreadedEventLoopGroup.singleton.any().makePromise(of: WebSocket.self)
        WebSocket.connect(to: "ws://127.0.0.1:\(port)/", on: MultiThreadedEventLoopGroup.singleton) { webSocket in
            webSocket.onText { _, text in continuation.yield(text) }
            webSocket.onClose.whenComplete { _ in continuation.finish() }
            connected.succeed(webSocket)
        }.cascadeFailure(to: connected)
        return TestClient(webSocket: try await connected.futureResult.get(), messages: messages)
    }

    /// Sends one frame as is (fragments, invalid payloads).
    func send(_ bytes: [UInt8], opcode: WebSocketOpcode = .text, fin: Bool = true) {
        webSocket.send(raw: bytes, opcode: opcode, fin: fin, promise: nil)
    }

    /// The close code the server closed with, once the connection is closed.
    func closeCode() async throws -> WebSocketErrorCode? {
        try await webSocket.onClose.get()
        return webSocket.closeCode
    }
}
