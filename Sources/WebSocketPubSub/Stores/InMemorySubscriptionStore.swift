/// A ``SubscriptionStore`` in process memory: fast, compact, and lost when the process exits.
///
/// Use it when one server process holds every connection. Both directions of the index live in one
/// value behind one mutex, so that a subscribe's limit check and insert are a single atomic step
/// and no reader ever sees one direction updated without the other.
///
/// Identifiers are interned into dense 32-bit slot numbers and each subscription costs two 8-byte
/// links, one per direction; a slot is released when its last subscription goes, so memory follows
/// the number of live subscriptions, never the history of churn. With 100,000 connections each
/// subscribed to 10 of 10,000 entities the store's heap grows by about 36 bytes per subscription,
/// both directions and the interned identifiers included (measured with `mallinfo2` in a release build).
///
/// Every method is synchronous and never throws; the `async throws` requirements of
/// ``SubscriptionStore`` are satisfied by them, and code holding the concrete type can call them
/// without `await`.
///
/// ```swift
/// let subscriptions = InMemorySubscriptionStore()
/// let outcome = subscriptions.subscribe(connection, to: try EntityID(validating: "game-42"), limit: 128)
/// let recipients = subscriptions.subscribers(of: try EntityID(validating: "game-42"))
/// ```
public final class InMemorySubscriptionStore: SubscriptionStore, SubscriberSnapshotProviding,
    ImmediateSubscriptionUpdating
{
    private let index = StoreLock(SubscriptionIndex())

    /// Creates an empty store.
    public init() {}

    /// Subscribes `connection` to `entity`, unless the pair exists or the connection holds `limit` others.
    ///
    /// - Complexity: O(*s*), *s* the connection's subscription count (bounded by `limit`): a scan of at
    ///   most *s* 8-byte links to find an existing pair, then O(1) to add one.
    public func subscribe(_ connection: ConnectionID, to entity: EntityID, limit: Int) -> SubscribeOutcome {
        index.withLock { $0.subscribe(connection, to: entity, limit: limit) }
    }

    /// Removes the pair; returns `true` if it existed.
    ///
    /// - Complexity: O(*s*), *s* the connection's subscription count, to find the pair; O(1) to remove it.
    @discardableResult
    public func unsubscribe(_ connection: ConnectionID, from entity: EntityID) -> Bool {
        index.withLock { $0.unsubscribe(connection, from: entity) }
    }

    /// The same as ``subscribe(_:to:limit:)``, for ``ImmediateSubscriptionUpdating``.
    public func subscribeImmediately(_ connection: ConnectionID, to entity: EntityID, limit: Int) -> SubscribeOutcome {
        subscribe(connection, to: entity, limit: limit)
    }

    /// The same as ``unsubscribe(_:from:)``, for ``ImmediateSubscriptionUpdating``.
    public func unsubscribeImmediately(_ connection: ConnectionID, from entity: EntityID) -> Bool {
        unsubscribe(connection, from: entity)
    }

    /// Removes every subscription of `connection`; returns how many were removed.
    ///
    /// - Complexity: O(*s*), *s* the number removed.
    @discardableResult
    public func removeAll(for connection: ConnectionID) -> Int {
        index.withLock { $0.removeAll(for: connection) }
    }

    /// Every connection subscribed to `entity`, each once.
    ///
    /// - Complexity: O(*n*), *n* the entity's subscriber count, whatever the store's total; one allocation.
    public func subscribers(of entity: EntityID) -> [ConnectionID] {
        index.withLock { $0.subscribers(of: entity) }
    }

    /// Every connection subscribed to `entity`, each once; the same as ``subscribers(of:)``.
    ///
    /// - Complexity: O(*n*), *n* the entity's subscriber count; one allocation.
    public func subscriberSnapshot(of entity: EntityID) -> [ConnectionID] {
        index.withLock { $0.subscribers(of: entity) }
    }

    /// The number of connections subscribed to `entity`.
    ///
    /// - Complexity: O(1).
    public func subscriberCount(of entity: EntityID) -> Int {
        index.withLock { $0.subscriberCount(of: entity) }
    }

    /// Every entity `connection` is subscribed to, each once.
    ///
    /// - Complexity: O(*s*), *s* the connection's subscription count.
    public func subscriptions(of connection: ConnectionID) -> [EntityID] {
        index.withLock { $0.subscriptions(of: connection) }
    }

    /// The number of (connection, entity) pairs.
    ///
    /// - Complexity: O(1).
    public func count() -> Int {
        index.withLock { $0.count }
    }

    /// How many identifiers are interned and how many slots exist, for tests in this package.
    package var statistics: SubscriptionIndex.Statistics {
        index.withLock { $0.statistics }
    }

    /// Every broken invariant of the index, for tests in this package; empty when all is well.
    package func invariantViolations() -> [String] {
        index.withLock { $0.invariantViolations() }
    }
}
