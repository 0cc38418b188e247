/// The in-memory history's state: every tracked entity's stream, and the two queues that enforce the
/// global caps. A pure value: ``InMemoryHistoryStore`` calls it under its lock, passing the time.
///
/// ## Why two queues
/// Each stream trims its own front (its size cap, its time to live). The global caps need the oldest
/// messages of *all* entities: `retained` lists every append in time order, so the oldest message
/// overall is at its front. Entries a stream already trimmed stay there as stale references until
/// they reach the front, or until they are more than half the queue and it is compacted, so the
/// queue never grows beyond twice the messages kept. `entities` is a second-chance (clock) queue
/// over tracked entities: an entity used since it last passed the front gets another round,
/// the others are forgotten first.
struct HistoryTable: Sendable {
    struct Stored: Sendable {
        var offset: Int
        var message: [UInt8]
        var appendedAt: Duration
    }

    struct Stream: Sendable {
        var epoch: String
        var generation: Int
        var latest = 0
        var entries = FIFOQueue<Stored>()
        var bytes = 0
        var usedSinceCheck = true

        /// The offset of the oldest entry kept, or `latest + 1` when none is.
        var firstKept: Int { entries.first?.offset ?? latest + 1 }
    }

    private struct Reference: Sendable {
        var entity: EntityID
        var generation: Int
        var offset: Int
        var appendedAt: Duration
    }

    let limits: HistoryLimits
    private var streams: [EntityID: Stream] = [:]
    private var retained = FIFOQueue<Reference>()
    private var entities = FIFOQueue<(EntityID, Int)>()
    private var nextGeneration = 1
    private(set) var retainedBytes = 0
    private(set) var retainedCount = 0

    init(limits: HistoryLimits) {
        self.limits = limits
    }

    var entityCount: Int { streams.count }

    // MARK: - Operations

    mutating func append(
        _ message: [UInt8], to entity: EntityID, now: Duration, newEpoch: () -> String
    ) -> HistoryPosition {
        _ = expire(now: now)
        var stream = takeStream(entity, newEpoch: newEpoch)
        stream.latest += 1
        stream.entries.append(Stored(offset: stream.latest, message: message, appendedAt: now))
        stream.bytes += message.count
        retainedBytes += message.count
        retainedCount += 1
        while stream.entries.count > limits.maxMessagesPerEntity { dropFirst(of: &stream) }
        retained.append(
            Reference(entity: entity, generation: stream.generation, offset: stream.latest, appendedAt: now))
        let position = HistoryPosition(offset: stream.latest, epoch: stream.epoch)
        streams[entity] = stream
        enforceCaps(keeping: entity)
        return position
    }

    mutating func read(
        _ entity: EntityID, since: HistoryPosition?, now: Duration, newEpoch: () -> String
    ) -> HistoryRead {
        var stream = takeStream(entity, newEpoch: newEpoch)
        expireFront(of: &stream, now: now)
        streams[entity] = stream
        enforceCaps(keeping: entity)
        let position = HistoryPosition(offset: stream.latest, epoch: stream.epoch)
        guard let since else { return HistoryRead(position: position, recovered: nil) }
        guard since.epoch == stream.epoch, since.offset >= 0, since.offset <= stream.latest,
            since.offset == stream.latest || stream.firstKept <= since.offset + 1
        else { return HistoryRead(position: position, recovered: false) }
        let skip = since.offset + 1 - stream.firstKept
        let entries = stream.entries.suffix(from: max(0, skip)).map {
            HistoryEntry(offset: $0.offset, message: $0.message)
        }
        return HistoryRead(position: position, recovered: true, entries: entries)
    }

    /// Drops every message older than the time to live; returns how many.
    mutating func expire(now: Duration) -> Int {
        var dropped = 0
        while let oldest = retained.first, now - oldest.appendedAt > limits.timeToLive {
            retained.popFirst()
            if dropIfFirst(oldest) { dropped += 1 }
        }
        return dropped
    }

    // MARK: - Internals

    /// The entity's stream, removed from the table for the caller to mutate and put back (so that
    /// the dictionary holds no second reference that would make each mutation copy it).
    private mutating func takeStream(_ entity: EntityID, newEpoch: () -> String) -> Stream {
        if var stream = streams.removeValue(forKey: entity) {
            stream.usedSinceCheck = true
            return stream
        }
        let generation = nextGeneration
        nextGeneration += 1
        entities.append((entity, generation))
        return Stream(epoch: newEpoch(), generation: generation)
    }

    private mutating func dropFirst(of stream: inout Stream) {
        guard let first = stream.entries.popFirst() else { return }
        stream.bytes -= first.message.count
        retainedBytes -= first.message.count
        retainedCount -= 1
    }

    private mutating func expireFront(of stream: inout Stream, now: Duration) {
        while let first = stream.entries.first, now - first.appendedAt > limits.timeToLive {
            dropFirst(of: &stream)
        }
    }

    /// Drops the referenced message if it is still its stream's oldest kept one.
    private mutating func dropIfFirst(_ reference: Reference) -> Bool {
        guard var stream = streams.removeValue(forKey: reference.entity) else { return false }
        defer { streams[reference.entity] = stream }
        guard stream.generation == reference.generation, stream.entries.first?.offset == reference.offset
        else { return false }
        dropFirst(of: &stream)
        return true
    }

    private mutating func enforceCaps(keeping entity: EntityID) {
        while retainedBytes > limits.maxRetainedBytes, let oldest = retained.popFirst() {
            _ = dropIfFirst(oldest)
        }
        while streams.count > limits.maxEntities, let (candidate, generation) = entities.popFirst() {
            guard var stream = streams[candidate], stream.generation == generation else { continue }
            if stream.usedSinceCheck || candidate == entity {
                stream.usedSinceCheck = false
                streams[candidate] = stream
                entities.append((candidate, generation))
                continue
            }
            streams[candidate] = nil
            retainedBytes -= stream.bytes
            retainedCount -= stream.entries.count
        }
        // Stale references (trimmed or forgotten messages) are at most half the queue.
        if retained.count > 64 && retained.count > 2 * retainedCount {
            retained.retain { reference in
                guard let stream = streams[reference.entity], stream.generation == reference.generation else {
                    return false
                }
                return reference.offset >= stream.firstKept
            }
        }
    }
}
