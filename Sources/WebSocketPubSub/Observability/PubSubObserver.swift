/// Receives a ``PubSubEvent`` for everything the pub/sub core does.
///
/// The library depends on no logging or metrics package; a host bridges these events to its own
/// logger and metrics in a few lines. When no observer is installed, no event is even built.
///
/// Implementations are called synchronously on the task doing the work, so they must be quick
/// and must not block: count, log, or hand the event to a queue.
public protocol PubSubObserver: Sendable {
    /// Called once per event.
    func observe(_ event: PubSubEvent)
}

/// Something that happened in the pub/sub core.
public enum PubSubEvent: Hashable, Sendable {
    /// `$connect` accepted and recorded a connection.
    case connectionOpened(ConnectionID)
    /// `$connect` refused a connection; the text is the authorizer's reason.
    case connectionRejected(ConnectionID, reason: String)
    /// `$disconnect` removed a connection and the given number of subscriptions.
    case connectionClosed(ConnectionID, subscriptionsRemoved: Int)
    /// A subscription was stored.
    case subscriptionAdded(ConnectionID, EntityID)
    /// A subscription was removed by an `unsubscribe` message.
    case subscriptionRemoved(ConnectionID, EntityID)
    /// A subscribe request was refused (invalid entity, limit reached, not authorized).
    case subscriptionRefused(ConnectionID, reason: String)
    /// A route handled a message.
    case routeHandled(ConnectionID, route: String)
    /// A message could not be routed or its handler failed; the connection got an error reply.
    case routeFailed(ConnectionID, route: String?, reason: String)
    /// A publish finished; the counts say what happened to its recipients.
    case published(EntityID, delivered: Int, gone: Int, failed: Int)
    /// A recipient was gone and has been removed.
    case deliveryGone(ConnectionID)
    /// A recipient failed transiently and will be tried again.
    case deliveryRetried(ConnectionID, attempt: Int, reason: String)
    /// A recipient was given up after its retries; the text is the last failure.
    case deliveryFailed(ConnectionID, reason: String)
    /// An event still failed after processing and went to the dead-letter handler.
    case eventDeadLettered(EntityID, reason: String)
    /// The idle sweep removed this many connections.
    case connectionsSwept(count: Int)
}

/// An observer that ignores everything.
public struct NoOpObserver: PubSubObserver {
    /// Creates the observer.
    public init() {}

    public func observe(_ event: PubSubEvent) {}
}
