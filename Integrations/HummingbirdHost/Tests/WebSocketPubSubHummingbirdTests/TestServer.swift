import Hummingbird
import HummingbirdTesting
import HummingbirdWebSocket
import WebSocketPubSub
import WebSocketPubSubHummingbird

/// The seed app's wiring around a test's own message router, for `app.test(.live)`.
struct TestServer {
    let gateway: PubSubGateway
    let hub: SessionHub
    let notifier: Notifier
    let app: Application<RouterResponder<BasicPubSubRequestContext>>

    init(router messageRouter: MessageRouter = MessageRouter(), maxMessageBytes: Int = 1024) {
        let connections = InMemoryConnectionStore()
        let subscriptions = InMemorySubscriptionStore()
        gateway = PubSubGateway(router: messageRouter, connections: connections, subscriptions: subscriptions)
        hub = SessionHub(gateway: gateway)
        notifier = Notifier(
            connections: connections, subscriptions: subscriptions, sender: hub, retryPolicy: .noRetries)
        let router = Router(context: BasicPubSubRequestContext.self)
        router.addPubSubEndpoints(publisher: notifier, gateway: gateway)
        let webSocketRouter = Router(context: BasicPubSubRequestContext.self)
        webSocketRouter.addPubSubWebSocket(hub: hub, maxMessageBytes: maxMessageBytes)
        app = Application(
            router: router,
            server: .http1WebSocketUpgrade(
                webSocketRouter: webSocketRouter, configuration: .pubSub(maxMessageBytes: maxMessageBytes)),
            configuration: .init(address: .hostname("127.0.0.1", port: 0))
        )
    }
}
