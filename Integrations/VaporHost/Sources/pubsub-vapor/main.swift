import Logging
import Vapor
import WebSocketPubSub
import WebSocketPubSubVapor

let options = PubSubHostOptions.parseOrExit(program: "pubsub-vapor")
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

// Vapor's command line (`serve --port`) is not this executable's: give it none.
let app = try await Application.make(Environment(name: "production", arguments: ["pubsub-vapor"]))
app.pubSubWebSocket(hub: hub, maxMessageBytes: options.maxMessageBytes)
app.pubSubEndpoints(publisher: notifier, gateway: gateway)
try await app.runPubSub(hub: hub, host: options.host, port: options.port) { address in
    PubSubHostOptions.announce(listeningOn: address)
}
