/// A ``HistoryStore`` in this process's memory, within ``HistoryLimits``.
///
/// Each tracked entity's epoch is 16 random hexadecimal digits drawn when the store first sees it,
/// so a restarted process (or an entity forgotten under the entity cap and seen again) starts a new
/// epoch and no client mistakes the new numbering for the old.
///
/// ## Memory
/// A retained message costs its payload plus about 120 bytes (its entry, its reference in the
/// time-ordered queue and its array's header); a tracked entity about 150 bytes plus its id. With
/// the default caps the worst case is therefore 256 MiB of payloads, their overhead (about 120 bytes
/// times the messages kept), and 100,000 entities (about 15 MB plus ids). Per entity the worst case
/// is `maxMessagesPerEntity` times (the largest message plus 120 bytes).
///
/// ```swift
/// let history = InMemoryHistoryStore(limits: HistoryLimits(maxMessagesPerEntity: 100, timeToLive: .seconds(300)))
/// let position = try await history.append(Array(#"{"score":3}"#.utf8), to: game)
/// // position.offset == 1
/// ```
public final class InMemoryHistoryStore: HistoryStore {
    public let limits: HistoryLimits
    private let table: StoreLock<HistoryTable>
    private let clock: ElapsedClock

    /// A store with `limits`; `clock` measures the time to live (tests pass a manual clock).
    public init(limits: HistoryLimits, clock: some Clock<Duration> = ContinuousClock()) {
        self.limits = limits
        self.table = StoreLock(HistoryTable(limits: limits))
        self.clock = ElapsedClock(clock)
    }

    public func append(_ message: [UInt8], to entity: EntityID) -> HistoryPosition {
        let now = clock.now()
        return table.withLock { $0.append(message, to: entity, now: now, newEpoch: Self.newEpoch) }
    }

    public func read(_ entity: EntityID, since: HistoryPosition?) -> HistoryRead {
        let now = clock.now()
        return table.withLock { $0.read(entity, since: since, now: now, newEpoch: Self.newEpoch) }
    }

    @discardableResult
    public func removeExpired() -> Int {
        let now = clock.now()
        return table.withLock { $0.expire(now: now) }
    }

    /// Messages kept now, over all entities.
    public var retainedMessageCount: Int { table.withLock { $0.retainedCount } }

    /// Payload bytes kept now, over all entities.
    public var retainedBytes: Int { table.withLock { $0.retainedBytes } }

    /// Entities whose position is tracked now.
    public var trackedEntityCount: Int { table.withLock { $0.entityCount } }

    private static func newEpoch() -> String {
        var random = SystemRandomSource()
        let word = random.next()
        let hex = String(word, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
