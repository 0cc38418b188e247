import Hummingbird
import HummingbirdWebSocket
import Testing
import WebSocketPubSub

/// The compile test: this file imports the library beside Hummingbird and HummingbirdWebSocket (whose
/// `Router`, `WebSocketMessage` and re-exported NIO names once collided with ours) and uses every type
/// unqualified. If a name becomes ambiguous again, this target stops compiling.
@Suite struct NamesBesideHummingbirdTests {
    @Test func libraryTypesNeedNoModuleQualifierBesideHummingbird() async throws {
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

        // Hummingbird's own names, unqualified in the same file.
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.get("/") { _, _ in "hummingbird" }
        let frame: WebSocketMessage = .text("hummingbird")
        #expect(frame == .text("hummingbird"))
    }
}
