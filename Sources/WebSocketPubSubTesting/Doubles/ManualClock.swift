import WebSocketPubSub

/// A clock that stands still until the test moves it, so that code which sleeps can be tested without
/// real waiting.
///
/// ``sleep(until:tolerance:)`` suspends until ``advance(by:)`` or ``advance(to:)`` moves ``now`` to or
/// past the deadline, or until the sleeping task is cancelled (then it throws `CancellationError`, as
/// `ContinuousClock` does). Every sleep that actually suspends is recorded in ``requestedSleeps``, so a
/// test can assert the exact delays that the code under test chose.
///
/// ```swift
/// let clock = ManualClock()
/// let task = Task { try await clock.sleep(for: .seconds(2)) }
/// await clock.waitForSleepers(1)
/// #expect(clock.requestedSleeps == [.seconds(2)])
/// clock.advance(by: .seconds(2))
/// try await task.value
/// ```
public final class ManualClock: Clock {
    /// A point on a ``ManualClock``: the time elapsed since the clock was created.
    public struct Instant: InstantProtocol, CustomStringConvertible {
        /// The time elapsed since the clock's start.
        public var offset: Duration

        /// Creates the instant `offset` after the clock's start.
        public init(offset: Duration) {
            self.offset = offset
        }

        /// The instant `duration` later.
        public func advanced(by duration: Duration) -> Instant {
            Instant(offset: offset + duration)
        }

        /// The time from this instant to `other`.
        public func duration(to other: Instant) -> Duration {
            other.offset - offset
        }

        public static func < (lhs: Instant, rhs: Instant) -> Bool {
            lhs.offset < rhs.offset
        }

        public var description: String { "ManualClock.Instant(\(offset))" }
    }

    private struct Sleeper: Sendable {
        var id: UInt64
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct Watcher: Sendable {
        var count: Int
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State: Sendable {
        var now = Instant(offset: .zero)
        var nextSleeperID: UInt64 = 0
        var sleepers: [Sleeper] = []
        var requestedSleeps: [Duration] = []
        var watchers: [Watcher] = []

        /// Removes and returns the watchers satisfied by the current number of sleepers.
        mutating func takeSatisfiedWatchers() -> [Watcher] {
            guard !watchers.isEmpty else { return [] }
            let pending = sleepers.count
            let satisfied = watchers.filter { $0.count <= pending }
            watchers.removeAll { $0.count <= pending }
            return satisfied
        }
    }

    private let state = StoreLock(State())

    /// Creates a clock whose ``now`` is its start, offset zero.
    public init() {}

    /// The current instant; it changes only when the test advances the clock.
    public var now: Instant {
        state.withLock { $0.now }
    }

    /// Zero: a manual clock can be moved by any amount.
    public var minimumResolution: Duration { .zero }

    /// Suspends until the clock reaches `deadline`; returns at once if it already has.
    ///
    /// - Throws: `CancellationError` if the calling task is cancelled before the deadline is reached.
    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try Task.checkCancellation()
        let id = state.withLock { state in
            state.nextSleeperID &+= 1
            return state.nextSleeperID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Outcome {
                    case cancelled, reached
                    case suspended([Watcher])
                }
                // The cancellation flag is set before `onCancel` runs, and both sides take the lock, so
                // either `onCancel` finds this sleeper or this check sees the flag: no sleep is lost.
                let outcome = state.withLock { state -> Outcome in
                    if Task.isCancelled { return .cancelled }
                    if deadline <= state.now { return .reached }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    state.requestedSleeps.append(state.now.duration(to: deadline))
                    return .suspended(state.takeSatisfiedWatchers())
                }
                switch outcome {
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .reached: continuation.resume()
                case .suspended(let watchers):
                    for watcher in watchers { watcher.continuation.resume() }
                }
            }
        } onCancel: {
            let sleeper = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock forward by `duration` and wakes every sleeper whose deadline is now reached.
    ///
    /// A negative duration is ignored: the clock never goes back.
    public func advance(by duration: Duration) {
        let target = now.advanced(by: duration)
        advance(to: target)
    }

    /// Moves the clock to `instant` (if that is later than ``now``) and wakes every sleeper whose
    /// deadline is now reached, earliest deadline first.
    public func advance(to instant: Instant) {
        let woken = state.withLock { state -> [Sleeper] in
            if instant > state.now { state.now = instant }
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
            return due.sorted { ($0.deadline, $0.id) < ($1.deadline, $1.id) }
        }
        for sleeper in woken { sleeper.continuation.resume() }
    }

    /// Moves the clock to the earliest pending deadline and wakes the sleepers due then.
    ///
    /// - Returns: The time the clock moved by, or `nil` if nothing was sleeping.
    @discardableResult
    public func advanceToNextDeadline() -> Duration? {
        let current = state.withLock { state -> (Instant, Instant)? in
            guard let earliest = state.sleepers.map(\.deadline).min() else { return nil }
            return (state.now, earliest)
        }
        guard let (now, deadline) = current else { return nil }
        advance(to: deadline)
        return max(.zero, now.duration(to: deadline))
    }

    /// The number of sleeps waiting for the clock to advance.
    public var pendingSleepCount: Int {
        state.withLock { $0.sleepers.count }
    }

    /// For every sleep that suspended, the time from the call to its deadline, in the order of the calls.
    ///
    /// Sleeps whose deadline had already passed return at once and are not recorded.
    public var requestedSleeps: [Duration] {
        state.withLock { $0.requestedSleeps }
    }

    /// Returns once at least `count` sleeps are waiting on this clock.
    ///
    /// Tests use it to know that the code under test has reached its sleep before they advance the
    /// clock. It does not return on its own otherwise; give the test a time limit.
    public func waitForSleepers(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.sleepers.count >= count { return true }
                state.watchers.append(Watcher(count: count, continuation: continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }
}
