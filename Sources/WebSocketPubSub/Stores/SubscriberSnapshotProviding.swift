/// A subscription store that can list an entity's subscribers synchronously, without suspending.
///
/// Optional: ``SubscriptionStore`` stays the whole contract, easy to implement over a database. A
/// store that keeps its index in local memory adopts this as well, and a caller on the hot path
/// (the notifier, once per publish) checks for it with a cast, so that an in-memory lookup costs a
/// lock and one allocation rather than two executor hops.
///
/// ```swift
/// let recipients: [ConnectionID]
/// if let fast = store as? any SubscriberSnapshotProviding {
///     recipients = fast.subscriberSnapshot(of: entity)
/// } else {
///     recipients = try await store.subscribers(of: entity)
/// }
/// ```
public protocol SubscriberSnapshotProviding: Sendable {
    /// Every connection subscribed to `entity`, each once, as of one instant, in one exactly sized array.
    ///
    /// Must return the same set that ``SubscriptionStore/subscribers(of:)`` would at that instant.
    ///
    /// - Complexity: O(*n*), *n* the entity's subscriber count, whatever the store's total.
    func subscriberSnapshot(of entity: EntityID) -> [ConnectionID]
}
