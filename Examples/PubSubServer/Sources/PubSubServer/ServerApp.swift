import WebSocketCodec
import WebSocketPubSub

/// What every connection handler shares: the configuration, the pub/sub core and the session registry.
struct ServerApp: Sendable {
    let configuration: ServerConfiguration
    let connections: InMemoryConnectionStore
    let subscriptions: InMemorySubscriptionStore
    let gateway: PubSubGateway
    let notifier: Notifier
    let handshake: WebSocketServerHandshake
    let registry: SessionRegistry

    init(configuration: ServerConfiguration) {
        let connections = InMemoryConnectionStore()
        let subscriptions = InMemorySubscriptionStore()
        let registry = SessionRegistry()
        self.configuration = configuration
        self.connections = connections
        self.subscriptions = subscriptions
        self.registry = registry
        self.gateway = PubSubGateway(
            connections: connections,
            subscriptions: subscriptions,
            configuration: .init(maxSubscriptionsPerConnection: configuration.maxSubscriptionsPerConnection)
        )
        self.notifier = Notifier(
            connections: connections,
            subscriptions: subscriptions,
            sender: NIOConnectionSender(registry: registry),
            // This transport's only transient failure is a slow reader over its outbound cap, which it
            // closes at once (1008): retrying it could only end as "gone", so it is reported failed now.
            retryPolicy: .noRetries
        )
        self.handshake = WebSocketServerHandshake(
            configuration: .init(
                subprotocols: configuration.subprotocols,
                originPolicy: configuration.allowedOrigins.map { .allowList($0) } ?? .allowAll
            )
        )
    }
}
