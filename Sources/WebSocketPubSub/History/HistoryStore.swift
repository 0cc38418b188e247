/// Where each entity's recent messages are kept, numbered, so that a client that missed some can
/// get exactly those back: the third store beside ``ConnectionStore`` and ``SubscriptionStore``.
///
/// ## Contract
/// `WebSocketPubSubTesting`'s `StoreConformance` checks every point below against your store.
/// - ``append(_:to:)`` gives the entity's next offset in its epoch: 1 for the first message, then
///   exactly one more than the previous, with no gap and no repeat, even under concurrent appends
///   (from many tasks, or many processes sharing the store). The position it returns is the one
///   ``read(_:since:)`` reports afterwards.
/// - Entities are told apart by their exact UTF-8 bytes, as ``EntityID`` compares them.
/// - ``read(_:since:)`` with `since == nil` only reports the latest position. With a position, it
///   answers `recovered: true` and the entries after it, in order and byte for byte, when the epoch
///   is the entity's current one, the offset is not above the latest, and every message after it is
///   still kept (not trimmed by ``HistoryLimits``); otherwise `recovered: false` and no entries.
/// - The epoch of an entity is a non-empty string that changes whenever the entity's history is
///   lost or reset, and only then: a store that restarts without its data, or forgets an entity,
///   must never report an old epoch with a new numbering.
/// - Trimming follows the store's ``limits``: at most `maxMessagesPerEntity` messages per entity,
///   none older than `timeToLive` reported as kept.
/// - Errors: throw when the backing store fails; the notifier then publishes nothing.
public protocol HistoryStore: Sendable {
    /// The bounds this store keeps history within.
    var limits: HistoryLimits { get }

    /// Appends `message` (one JSON value) to `entity`'s history and returns its position.
    func append(_ message: [UInt8], to entity: EntityID) async throws -> HistoryPosition

    /// The entity's latest position and, when `since` is given, the messages after it if they can
    /// all be recovered. See the contract above.
    func read(_ entity: EntityID, since: HistoryPosition?) async throws -> HistoryRead

    /// Drops the messages older than the time to live; returns how many were dropped. The in-memory
    /// store also does this as it appends; a database store is swept by calling this periodically.
    @discardableResult
    func removeExpired() async throws -> Int
}
