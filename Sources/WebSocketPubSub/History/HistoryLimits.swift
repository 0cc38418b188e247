/// The bounds a ``HistoryStore`` keeps each entity's history, and all of them together, within.
///
/// A message is no longer replayed once it is older than ``timeToLive`` or once
/// ``maxMessagesPerEntity`` newer messages of its entity are kept. The two caps over all entities
/// bound what a flood of publishes to ever new entities can hold: past ``maxRetainedBytes`` the
/// oldest messages of all entities are dropped first (a client asking for them is told
/// `recovered: false`), and past ``maxEntities`` whole entities are forgotten, least recently used
/// first, so that an entity seen again starts a new epoch.
public struct HistoryLimits: Hashable, Sendable {
    /// Messages kept per entity; at least 1.
    public var maxMessagesPerEntity: Int
    /// How long a message is kept.
    public var timeToLive: Duration
    /// Payload bytes kept over all entities (the per-message overhead is not counted).
    public var maxRetainedBytes: Int
    /// Entities whose position is tracked.
    public var maxEntities: Int

    /// Limits; the defaults of the two caps are 256 MiB and 100,000 entities.
    public init(
        maxMessagesPerEntity: Int,
        timeToLive: Duration = .seconds(300),
        maxRetainedBytes: Int = 256 << 20,
        maxEntities: Int = 100_000
    ) {
        self.maxMessagesPerEntity = max(1, maxMessagesPerEntity)
        self.timeToLive = timeToLive
        self.maxRetainedBytes = max(0, maxRetainedBytes)
        self.maxEntities = max(1, maxEntities)
    }
}
