import Hummingbird
import HummingbirdWebSocket
import Logging
import WebSocketPubSub
import WebSocketPubSubHummingbird

let options = PubSubHostOptions.parseOrExit(program: "pubsub-hummingbird")
LoggingSystem.bootstrap(LineLogHandler.init)  // `open ID from ADDRESS`, as the example server logs
let connections = InMemoryConnectionStore()
let subscriptions = InMemorySubscriptionStore()
let history = options.historyLimits.map { InMemoryHistoryStore(limits: $0) }  // --history-size
let gateway = PubSubGateway(
    connections: connections, subscriptions: subscriptions, history: history,
    configuration: .init(maxSubscriptionsPerConnection: options.maxSubscriptionsPerConnection))
let hub = SessionHub(gateway: gateway, configuration: .init(maxQueuedBytes: options.maxPendingOutboundBytes))
let notifier = Notifier(
    connections: connections, subscriptions: subscriptions, sender: hub, retryPolicy: .noRetries, history: history)

let router = Router(context: BasicPubSubRequestContext.self)
router.addPubSubEndpoints(publisher: notifier, gateway: gateway)
let webSocketRouter = Router(context: BasicPubSubRequestContext.self)
webSocketRouter.addPubSubWebSocket(hub: hub, maxMessageBytes: options.maxMessageBytes)
let app = Application(
    router: router,
    server: .http1WebSocketUpgrade(
        webSocketRouter: webSocketRouter, configuration: .pubSub(maxMessageBytes: options.maxMessageBytes)),
    configuration: .init(address: .hostname(options.host, port: options.port)),
    onServerRunning: { PubSubHostOptions.announce(listeningOn: $0.localAddress) }
)
try await app.runPubSub(hub: hub)
