/// A subscription store that can subscribe and unsubscribe synchronously, without suspending.
///
/// Optional, like ``SubscriberSnapshotProviding``: ``SubscriptionStore`` stays the whole contract.
/// A store that keeps its index in local memory adopts this as well, and ``PubSubGateway`` checks for
/// it with a cast once, at `init`: the built-in `subscribe` and `unsubscribe` routes then answer a
/// message without a suspension point on their way, when nothing else on it can suspend (no
/// subscription authorizer, and for `subscribe` no history store).
///
/// Each method must do exactly what its ``SubscriptionStore`` counterpart does, atomically, and
/// must not block on anything but a short lock: it runs on the connection's task.
public protocol ImmediateSubscriptionUpdating: Sendable {
    /// What ``SubscriptionStore/subscribe(_:to:limit:)`` does, without suspending.
    func subscribeImmediately(_ connection: ConnectionID, to entity: EntityID, limit: Int) -> SubscribeOutcome

    /// What ``SubscriptionStore/unsubscribe(_:from:)`` does, without suspending.
    func unsubscribeImmediately(_ connection: ConnectionID, from entity: EntityID) -> Bool
}
