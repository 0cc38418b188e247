import NIOCore
import NIOPosix
import Testing
import WebSocketCodec
import WebSocketPubSub
import WebSocketPubSubNIO

/// The NIO host as a user configures it: their router (a custom route, a `$connect` authorizer),
/// their subscription authorizer, over real sockets on 127.0.0.1 with the library's client role.
@Suite("NIO host with a user's router and authorizers", .timeLimit(.minutes(1)))
struct ConfiguredHostTests {
    static func makeApp() -> ServerApp {
        var router = MessageRouter()
        router.onConnect { request in
            guard let user = request.header("X-User") else { return .unauthorized("missing X-User") }
            return .accept(attributes: ["user": user])
        }
        router.on("whoami") { context in
            OutboundMessage(text: #"{"user":\#(JSONEscaping.quoted(context.connection.attributes["user"] ?? ""))}"#)
        }
        var configuration = ServerConfiguration()
        configuration.port = 0
        return .inMemory(configuration: configuration, router: router) { connection, entity in
            entity.rawValue.hasPrefix("private-") && connection.attributes["user"] != "admin"
                ? .deny(reason: "only admin") : .allow
        }
    }

    @Test func refusalsGetTheirStatusAndAcceptedClientsTheirRoutes() async throws {
        let runner = ServerRunner(app: Self.makeApp())
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let server = Task { await runner.run { port in portSink.yield(port) } }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())

        let refusedStatus = try await TestClient.connect(port: port, headers: [:]) { client in client.status }
        #expect(refusedStatus == 401)

        try await TestClient.connect(port: port, headers: ["X-User": "ann"]) { client in
            #expect(client.status == 101)
            #expect(try await client.exchange(#"{"action":"whoami"}"#) == #"{"user":"ann"}"#)
            #expect(
                try await client.exchange(#"{"action":"subscribe","entityId":"public-1"}"#)
                    == #"{"status":"subscribed","entityId":"public-1"}"#)
            let denied = try await client.exchange(#"{"action":"subscribe","entityId":"private-1"}"#)
            #expect(denied.contains(#""code":"not_authorized""#))
            #expect(try await runner.app.gateway.subscriptions.count() == 1)
        }

        runner.requestStop("test finished", status: 0)
        #expect(await server.value == 0)
    }
}

/// A WebSocket client made of the library's client role over a NIO socket.
struct TestClient {
    var status = 0
    private var connection = WSConnection(role: .client)
    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

    struct ClosedEarly: Error {}

    /// Connects, sends the opening handshake, reads the server's answer into `status`, runs `body`,
    /// and closes the connection whatever `body` does.
    static func connect<Result: Sendable>(
        port: Int, headers: HTTP1Headers, _ body: (inout TestClient) async throws -> Result
    ) async throws -> Result {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var client = TestClient(inbound: inbound.makeAsyncIterator(), outbound: outbound)
            let handshake = WSClientHandshake(host: "127.0.0.1:\(port)", additionalHeaders: headers)
            try await outbound.write(ByteBuffer(bytes: handshake.requestBytes))
            var parser = HTTP1ResponseHeadParser()
            while client.status == 0 {
                guard let chunk = try await client.inbound.next() else { throw ClosedEarly() }
                if case .complete(let head, _) = try parser.parse(chunk.readableBytesView) {
                    client.status = head.status.code
                }
            }
            return try await body(&client)
        }
    }

    private init(
        inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) {
        self.inbound = inbound
        self.outbound = outbound
    }

    /// Sends one text message and returns the next text message the server sends.
    mutating func exchange(_ text: String) async throws -> String {
        try await outbound.write(ByteBuffer(bytes: try connection.sendText(text)))
        while true {
            guard let chunk = try await inbound.next() else { throw ClosedEarly() }
            let result = connection.receive(Array(chunk.readableBytesView))
            for event in result.events {
                if case .text(let reply) = event { return reply.description }
            }
        }
    }
}
