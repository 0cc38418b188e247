import WebSocketCodec
import WebSocketCompression
import WebSocketPubSub

/// What every connection handler shares: the configuration, the pub/sub core and the channel registry.
///
/// The router (custom routes, the `$connect` authorizer), the subscription authorizer, the observer,
/// the stores and the publisher are the user's: one server serves the single-process example
/// (``inMemory(configuration:router:authorizeSubscription:observer:)``) and a node of a cluster whose
/// stores live in a database and whose publishes cross nodes.
///
/// ```swift
/// var router = MessageRouter()
/// router.on("ping") { _ in OutboundMessage(text: #"{"pong":true}"#) }
/// let app = ServerApp.inMemory(configuration: ServerConfiguration(), router: router)
/// exit(await ServerRunner(app: app).run())
/// ```
public struct ServerApp: Sendable {
    /// The limits and flags the server runs with.
    public let configuration: ServerConfiguration
    /// The routes every WebSocket message goes through, over the injected stores.
    public let gateway: PubSubGateway
    /// The pub/sub sessions this process holds; the publisher delivers through it.
    public let hub: SessionHub
    /// What `POST /events` calls.
    public let publisher: any EventPublisher
    /// The WebSocket channels open now, for shutdown, and the per-address counts.
    public let registry: ChannelRegistry
    /// HTTP endpoints the program adds beside `/events` and `/stats`.
    public let extraEndpoints: [ExtraEndpoint]
    let handshake: WSServerHandshake

    /// Assembles a server from its parts.
    ///
    /// - Parameters:
    ///   - configuration: Limits and flags.
    ///   - router: Custom routes and the `$connect` authorizer; `subscribe` and `unsubscribe` are built in.
    ///   - connections: The connection store.
    ///   - subscriptions: The subscription store.
    ///   - history: The history store the publisher's notifier appends to (`--history-size`); `nil`
    ///     keeps no history.
    ///   - authorizeSubscription: Asked before every subscribe; `nil` allows all.
    ///   - observer: Receives every ``PubSubEvent``.
    ///   - unheldRecipients: ``UnheldRecipientPolicy/heldElsewhere`` for a node of a cluster.
    ///   - publisher: Makes what `POST /events` calls, given the hub to deliver through.
    ///   - extraEndpoints: HTTP endpoints beside `/events` and `/stats`, asked in order.
    public init(
        configuration: ServerConfiguration,
        router: MessageRouter = MessageRouter(),
        connections: any ConnectionStore,
        subscriptions: any SubscriptionStore,
        history: (any HistoryStore)? = nil,
        authorizeSubscription: PubSubGateway.SubscriptionAuthorizer? = nil,
        observer: (any PubSubObserver)? = nil,
        unheldRecipients: UnheldRecipientPolicy = .gone,
        extraEndpoints: [ExtraEndpoint] = [],
        publisher: (SessionHub) -> any EventPublisher
    ) {
        self.configuration = configuration
        self.extraEndpoints = extraEndpoints
        self.registry = ChannelRegistry()
        self.gateway = PubSubGateway(
            router: router,
            connections: connections,
            subscriptions: subscriptions,
            history: history,
            configuration: .init(maxSubscriptionsPerConnection: configuration.maxSubscriptionsPerConnection),
            authorizeSubscription: authorizeSubscription,
            observer: observer
        )
        self.hub = SessionHub(
            gateway: gateway,
            configuration: SessionConfiguration(
                maxQueuedMessages: configuration.maxQueuedOutboundMessages,
                maxQueuedBytes: configuration.maxPendingOutboundBytes,
                slowConsumerPolicy: configuration.slowConsumerPolicy,
                maxQueuedInboundMessages: configuration.maxQueuedInboundMessages * 2
            ),
            unheldRecipients: unheldRecipients,
            // With --permessage-deflate, a published message is compressed once for every
            // connection that negotiated it (the server asks for no context takeover).
            broadcastCompressor: configuration.permessageDeflate.map(SharedDeflateCompressor.init)
        )
        self.publisher = publisher(hub)
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
    public static func inMemory(
        configuration: ServerConfiguration,
        router: MessageRouter = MessageRouter(),
        authorizeSubscription: PubSubGateway.SubscriptionAuthorizer? = nil,
        observer: (any PubSubObserver)? = nil
    ) -> ServerApp {
        let connections = InMemoryConnectionStore()
        let subscriptions = InMemorySubscriptionStore()
        let history = configuration.historyLimits.map { InMemoryHistoryStore(limits: $0) }
        return ServerApp(
            configuration: configuration,
            router: router,
            connections: connections,
            subscriptions: subscriptions,
            history: history,
            authorizeSubscription: authorizeSubscription,
            observer: observer
        ) { hub in
            Notifier(
                connections: connections, subscriptions: subscriptions, sender: hub, history: history,
                observer: observer)
        }
    }
}
