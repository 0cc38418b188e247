import WebSocketCodec
import WebSocketCompression
import WebSocketPubSub

/// What every connection handler shares: the configuration, the pub/sub core and the session registry.
///
/// The stores and the publisher are injected, so that one server serves both the single-process
/// example (``inMemory(configuration:)``) and a node of a cluster whose stores live in a database
/// and whose publishes cross nodes.
public struct ServerApp: Sendable {
    /// The limits and flags the server runs with.
    public let configuration: ServerConfiguration
    /// The routes every WebSocket message goes through, over the injected stores.
    public let gateway: PubSubGateway
    /// The sessions this process holds; a publisher delivers through it with ``NIOConnectionSender``.
    public let registry: SessionRegistry
    /// What `POST /events` calls.
    public let publisher: any EventPublisher
    let handshake: WSServerHandshake

    /// Assembles a server from its parts.
    ///
    /// - Parameters:
    ///   - registry: The registry the server's handlers fill; pass the same one to the sender the
    ///     publisher delivers through.
    public init(
        configuration: ServerConfiguration,
        connections: any ConnectionStore,
        subscriptions: any SubscriptionStore,
        registry: SessionRegistry,
        publisher: any EventPublisher
    ) {
        self.configuration = configuration
        self.registry = registry
        self.publisher = publisher
        self.gateway = PubSubGateway(
            connections: connections,
            subscriptions: subscriptions,
            configuration: .init(maxSubscriptionsPerConnection: configuration.maxSubscriptionsPerConnection)
        )
        let declineAll: @Sendable ([WSExtensionOffer]) -> [WSExtensionOffer] = { _ in [] }
        self.handshake = WSServerHandshake(
            configuration: .init(
                subprotocols: configuration.subprotocols,
                originPolicy: configuration.allowedOrigins.map { .allowList($0) } ?? .allowAll,
                extensionNegotiator: configuration.permessageDeflate?.serverNegotiator ?? declineAll
            )
        )
    }

    /// The single-process server of `DESIGN.md`: in-memory stores and a notifier that delivers to
    /// this process's sessions.
    public static func inMemory(configuration: ServerConfiguration) -> ServerApp {
        let connections = InMemoryConnectionStore()
        let subscriptions = InMemorySubscriptionStore()
        let registry = SessionRegistry()
        let notifier = Notifier(
            connections: connections,
            subscriptions: subscriptions,
            sender: NIOConnectionSender(registry: registry),
            // This transport's only transient failure is a slow reader over its outbound cap, which it
            // closes at once (1008): retrying it could only end as "gone", so it is reported failed now.
            retryPolicy: .noRetries
        )
        return ServerApp(
            configuration: configuration,
            connections: connections,
            subscriptions: subscriptions,
            registry: registry,
            publisher: NotifierPublisher(notifier: notifier)
        )
    }
}
