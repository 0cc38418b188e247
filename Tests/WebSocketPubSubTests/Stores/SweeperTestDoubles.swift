import Foundation
import WebSocketPubSub

/// Remembers every event, in order.
final class RecordingObserver: PubSubObserver, @unchecked Sendable {
    // @unchecked Sendable is sound: `recorded` is only touched while holding `lock`.
    private let lock = NSLock()
    private var recorded: [PubSubEvent] = []

    func observe(_ event: PubSubEvent) {
        lock.withLock { recorded.append(event) }
    }

    var events: [PubSubEvent] { lock.withLock { recorded } }
}

/// Remembers every error's description.
final class RecordingErrors: @unchecked Sendable {
    // @unchecked Sendable is sound: `recorded` is only touched while holding `lock`.
    private let lock = NSLock()
    private var recorded: [String] = []

    func append(_ error: any Error) {
        lock.withLock { recorded.append(String(describing: error)) }
    }

    var descriptions: [String] { lock.withLock { recorded } }
}

/// Hands out the given dates one per call, then repeats the last.
final class DateSequence: @unchecked Sendable {
    // @unchecked Sendable is sound: `remaining` is only touched while holding `lock`.
    private let lock = NSLock()
    private var remaining: [Date]

    init(_ dates: [Date]) { remaining = dates }

    func next() -> Date {
        lock.withLock { remaining.count > 1 ? remaining.removeFirst() : remaining[0] }
    }
}

/// A clock whose sleeps return at once, recording their durations; after `sleepsBeforeCancelling`
/// sleeps the next one throws `CancellationError`, as a sleep does when its task is cancelled.
final class CountingClock: Clock, @unchecked Sendable {
    // @unchecked Sendable is sound: `recorded` is only touched while holding `lock`.
    typealias Duration = Swift.Duration
    typealias Instant = ContinuousClock.Instant

    private let lock = NSLock()
    private var recorded: [Duration] = []
    private let sleepsBeforeCancelling: Int

    init(sleepsBeforeCancelling: Int) { self.sleepsBeforeCancelling = sleepsBeforeCancelling }

    var now: Instant { ContinuousClock.now }
    var minimumResolution: Duration { .zero }
    var sleeps: [Duration] { lock.withLock { recorded } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let count = lock.withLock {
            recorded.append(now.duration(to: deadline).roundedToSeconds)
            return recorded.count
        }
        if count > sleepsBeforeCancelling { throw CancellationError() }
    }
}

extension Duration {
    fileprivate var roundedToSeconds: Duration {
        .seconds((Double(components.seconds) + Double(components.attoseconds) / 1e18).rounded())
    }
}

/// Wraps a store; right after listing idle connections, `revive` is touched, as if its client spoke.
struct TouchAfterListing: ConnectionStore {
    let base: InMemoryConnectionStore
    let revive: ConnectionID
    let at: Date

    func idleConnections(lastActiveBefore cutoff: Date, limit: Int) -> [ConnectionID] {
        let idle = base.idleConnections(lastActiveBefore: cutoff, limit: limit)
        base.touch(revive, at: at)
        return idle
    }

    func insert(_ connection: Connection) { base.insert(connection) }
    func connection(_ id: ConnectionID) -> Connection? { base.connection(id) }
    func remove(_ id: ConnectionID) -> Connection? { base.remove(id) }
    func touch(_ id: ConnectionID, at date: Date) { base.touch(id, at: date) }
    func count() -> Int { base.count() }
}

/// Wraps a store; right after listing idle connections, `victim` is removed, as if `$disconnect` ran,
/// but its subscriptions are left behind.
struct RemoveAfterListing: ConnectionStore {
    let base: InMemoryConnectionStore
    let victim: ConnectionID

    func idleConnections(lastActiveBefore cutoff: Date, limit: Int) -> [ConnectionID] {
        let idle = base.idleConnections(lastActiveBefore: cutoff, limit: limit)
        base.remove(victim)
        return idle
    }

    func insert(_ connection: Connection) { base.insert(connection) }
    func connection(_ id: ConnectionID) -> Connection? { base.connection(id) }
    func remove(_ id: ConnectionID) -> Connection? { base.remove(id) }
    func touch(_ id: ConnectionID, at date: Date) { base.touch(id, at: date) }
    func count() -> Int { base.count() }
}

/// Lists one idle connection forever and never removes it: a broken store the sweep must not spin on.
struct StuckConnectionStore: ConnectionStore {
    func idleConnections(lastActiveBefore cutoff: Date, limit: Int) -> [ConnectionID] { [ConnectionID("stuck")] }
    func insert(_ connection: Connection) {}
    func connection(_ id: ConnectionID) -> Connection? { nil }
    func remove(_ id: ConnectionID) -> Connection? { Connection(id: id, connectedAt: .distantFuture) }
    func touch(_ id: ConnectionID, at date: Date) {}
    func count() -> Int { 1 }
}

/// Fails every query, as an unreachable database does.
struct FailingConnectionStore: ConnectionStore {
    struct Unavailable: Error, CustomStringConvertible {
        var description: String { "database unavailable" }
    }

    func idleConnections(lastActiveBefore cutoff: Date, limit: Int) throws -> [ConnectionID] { throw Unavailable() }
    func insert(_ connection: Connection) throws { throw Unavailable() }
    func connection(_ id: ConnectionID) throws -> Connection? { throw Unavailable() }
    func remove(_ id: ConnectionID) throws -> Connection? { throw Unavailable() }
    func touch(_ id: ConnectionID, at date: Date) throws { throw Unavailable() }
    func count() throws -> Int { throw Unavailable() }
}
