import NIOWebSocket
import Testing
import Vapor
import WebSocketPubSub

/// The compile test: this file imports the library beside Vapor (which re-exports RoutingKit's
/// `Router`, NIOHTTP1's `HTTPHeaders` and `HTTPVersion`, and websocket-kit) and NIOWebSocket, whose
/// names once collided with ours, and uses every type unqualified. If a name becomes ambiguous again,
/// this target stops compiling.
@Suite struct NamesBesideVaporTests {
    @Test func libraryTypesNeedNoModuleQualifierBesideVapor() async throws {
        var messageRouter = MessageRouter()
        messageRouter.on("echo") { (context: RouteContext) in OutboundMessage(bytes: context.message) }
        messageRouter.onConnect { (_: ConnectRequest) in ConnectDecision.accept(attributes: ["user": "ada"]) }
        let gateway = PubSubGateway(
            router: messageRouter, connections: InMemoryConnectionStore(), subscriptions: InMemorySubscriptionStore())
        let hub = SessionHub(gateway: gateway, configuration: SessionConfiguration(maxQueuedMessages: 8))
        let notifier = Notifier(
            connections: gateway.connections, subscriptions: gateway.subscriptions, sender: hub, retryPolicy: .noRetries
        )
        let publisher: any EventPublisher = notifier

        let id = ConnectionID.random()
        guard case .accepted(let connection) = await gateway.connect(id: id) else {
            Issue.record("the $connect authorizer accepts everyone")
            return
        }
        let recorded: Connection = connection
        #expect(recorded.attributes["user"] == "ada")
        let message = Array(#"{"action":"echo","n":1}"#.utf8)
        let reply: OutboundMessage? = await gateway.handle(text: message, from: id)
        #expect(reply?.bytes == message)
        let report: DeliveryReport = try await publisher.publish(
            PublishRequest(entityId: try EntityID(validating: "nobody-listens"), message: Array("1".utf8)))
        #expect(report.delivered == 0)

        // Vapor's own names (and those it re-exports), unqualified in the same file.
        let headers: HTTPHeaders = ["Sec-WebSocket-Protocol": "websocket"]
        let version: HTTPVersion = .http1_1
        let status: HTTPResponseStatus = .switchingProtocols
        let opcode: WebSocketOpcode = .text
        #expect(headers.first(name: "sec-websocket-protocol") == "websocket")
        #expect(version.major == 1 && status.code == 101 && opcode == .text)
    }
}
