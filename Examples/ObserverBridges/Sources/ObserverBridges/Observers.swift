import Logging
import Metrics
import WebSocketPubSub

struct LoggingObserver: PubSubObserver {
    let logger: Logger

    func observe(_ event: PubSubEvent) {
        switch event {
        case .routeFailed(let id, let route, let reason):
            logger.notice(
                "route failed", metadata: ["connection": "\(id)", "route": "\(route ?? "-")", "reason": "\(reason)"])
        case .deliveryFailed(let id, let reason):
            logger.warning("delivery given up", metadata: ["connection": "\(id)", "reason": "\(reason)"])
        case .eventDeadLettered(let entity, let reason):
            logger.error("event dead-lettered", metadata: ["entity": "\(entity)", "reason": "\(reason)"])
        case .connectionRejected(let id, let reason):
            logger.info("connection rejected", metadata: ["connection": "\(id)", "reason": "\(reason)"])
        default:
            logger.debug("\(event)")
        }
    }
}

struct MetricsObserver: PubSubObserver {
    private let opened = Counter(label: "pubsub_connections_opened_total")
    private let closed = Counter(label: "pubsub_connections_closed_total")
    private let delivered = Counter(label: "pubsub_deliveries_total", dimensions: [("outcome", "delivered")])
    private let gone = Counter(label: "pubsub_deliveries_total", dimensions: [("outcome", "gone")])
    private let failed = Counter(label: "pubsub_deliveries_total", dimensions: [("outcome", "failed")])
    private let retries = Counter(label: "pubsub_delivery_retries_total")
    private let routeErrors = Counter(label: "pubsub_route_errors_total")
    private let deadLetters = Counter(label: "pubsub_dead_letters_total")
    private let swept = Counter(label: "pubsub_connections_swept_total")

    func observe(_ event: PubSubEvent) {
        switch event {
        case .connectionOpened: opened.increment()
        case .connectionClosed: closed.increment()
        case .published(_, let d, let g, let f):
            delivered.increment(by: d)
            gone.increment(by: g)
            failed.increment(by: f)
        case .deliveryRetried: retries.increment()
        case .routeFailed: routeErrors.increment()
        case .eventDeadLettered: deadLetters.increment()
        case .connectionsSwept(let count): swept.increment(by: count)
        case .connectionRejected, .subscriptionAdded, .subscriptionRemoved, .subscriptionRefused, .routeHandled,
            .deliveryGone, .deliveryFailed:
            break
        }
    }
}

/// Fans every event out to several observers.
struct CombinedObserver: PubSubObserver {
    let observers: [any PubSubObserver]
    func observe(_ event: PubSubEvent) {
        for observer in observers { observer.observe(event) }
    }
}

/// Transports.md: one observer instance for every component that reports events.
func wireObservers(
    connections: any ConnectionStore, subscriptions: any SubscriptionStore, transport: any ConnectionSender
)
    -> (PubSubGateway, Notifier, IdleConnectionSweeper)
{
    let observer = CombinedObserver(observers: [LoggingObserver(logger: Logger(label: "pubsub")), MetricsObserver()])
    let gateway = PubSubGateway(connections: connections, subscriptions: subscriptions, observer: observer)
    let notifier = Notifier(
        connections: connections, subscriptions: subscriptions, sender: transport, observer: observer)
    let sweeper = IdleConnectionSweeper(
        connections: connections, subscriptions: subscriptions, timeToLive: .seconds(600), observer: observer)
    return (gateway, notifier, sweeper)
}
