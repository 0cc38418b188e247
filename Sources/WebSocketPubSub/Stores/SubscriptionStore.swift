/// Where subscriptions live: (connection, entity) pairs, indexed both ways.
///
/// The entity-to-connections direction serves fan-out; the connection-to-entities direction
/// serves disconnect clean-up and the per-connection limit. Both must be cheap.
///
/// ## Contract
/// `WebSocketPubSubTesting`'s `StoreConformance` checks every rule below; run it against your store.
/// - A subscription is one (connection, entity) pair. ``subscribe(_:to:limit:)`` is idempotent:
///   subscribing again returns ``SubscribeOutcome/alreadySubscribed`` and changes nothing.
/// - ``subscribe(_:to:limit:)`` refuses with ``SubscribeOutcome/limitReached`` when the connection
///   already holds `limit` *other* subscriptions; the check and the insert are one atomic step,
///   so concurrent subscribes of one connection never exceed the limit. The limit counts only that
///   connection's pairs; a pair that already exists is ``SubscribeOutcome/alreadySubscribed`` even at
///   the limit; a `limit` of zero or less refuses every new pair.
/// - ``unsubscribe(_:from:)`` returns whether a pair was removed.
/// - ``removeAll(for:)`` removes every subscription of a connection and returns how many.
/// - ``subscribers(of:)`` lists each subscribed connection of an entity exactly once, in any order.
/// - ``subscriptions(of:)`` lists each entity a connection is subscribed to exactly once.
/// - ``count()`` is the number of (connection, entity) pairs.
/// - Identifiers are compared exactly, byte for byte: a store must not fold case, normalize Unicode
///   (as `String`'s `==` does), trim, or truncate them (a database column needs a binary collation and
///   room for 1024 bytes of UTF-8). An id it cannot hold (U+0000 in a PostgreSQL `text` column) makes
///   it throw, never match another id.
///
/// A store that keeps its index in local memory may also adopt ``SubscriberSnapshotProviding``,
/// which the notifier uses, when present, to list subscribers without suspending.
public protocol SubscriptionStore: Sendable {
    /// Subscribes `connection` to `entity`, unless it already holds `limit` other subscriptions.
    func subscribe(_ connection: ConnectionID, to entity: EntityID, limit: Int) async throws -> SubscribeOutcome

    /// Removes the pair; returns `true` if it existed.
    @discardableResult
    func unsubscribe(_ connection: ConnectionID, from entity: EntityID) async throws -> Bool

    /// Removes every subscription of `connection`; returns how many were removed.
    @discardableResult
    func removeAll(for connection: ConnectionID) async throws -> Int

    /// Every connection subscribed to `entity`.
    func subscribers(of entity: EntityID) async throws -> [ConnectionID]

    /// Every entity `connection` is subscribed to.
    func subscriptions(of connection: ConnectionID) async throws -> [EntityID]

    /// The number of (connection, entity) pairs.
    func count() async throws -> Int
}

/// The result of ``SubscriptionStore/subscribe(_:to:limit:)``.
public enum SubscribeOutcome: Hashable, Sendable {
    /// A new pair was stored.
    case subscribed
    /// The pair already existed; nothing changed.
    case alreadySubscribed
    /// The connection already holds the maximum number of subscriptions; nothing changed.
    case limitReached(limit: Int)
}
