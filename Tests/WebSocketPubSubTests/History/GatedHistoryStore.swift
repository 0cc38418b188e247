import WebSocketPubSub

/// A gate a task stops at until the test opens it; the test can wait for the task to arrive.
final class TestGate: Sendable {
    private struct State {
        var isOpen = false
        var arrived = false
        var passers: [CheckedContinuation<Void, Never>] = []
        var arrivalWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = StoreLock(State())

    /// Stops here until ``open()``.
    func pass() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let (go, waiters) = state.withLock { state in
                state.arrived = true
                defer { state.arrivalWaiters = [] }
                if state.isOpen { return (true, state.arrivalWaiters) }
                state.passers.append(continuation)
                return (false, state.arrivalWaiters)
            }
            for waiter in waiters { waiter.resume() }
            if go { continuation.resume() }
        }
    }

    /// Returns once a task has reached the gate.
    func waitForArrival() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let arrived = state.withLock { state in
                if state.arrived { return true }
                state.arrivalWaiters.append(continuation)
                return false
            }
            if arrived { continuation.resume() }
        }
    }

    func open() {
        let passers = state.withLock { state in
            state.isOpen = true
            defer { state.passers = [] }
            return state.passers
        }
        for passer in passers { passer.resume() }
    }
}

/// An in-memory history store that can stop the next append after it has stored the message
/// (holding the publish between its append and its send), or the next read after it has read.
final class GatedHistoryStore: HistoryStore {
    let base: InMemoryHistoryStore
    private let gates = StoreLock((append: TestGate?.none, read: TestGate?.none))
    private let failing = StoreLock(false)

    init(limits: HistoryLimits = HistoryLimits(maxMessagesPerEntity: 100)) {
        base = InMemoryHistoryStore(limits: limits)
    }

    var limits: HistoryLimits { base.limits }

    func holdNextAppend() -> TestGate {
        let gate = TestGate()
        gates.withLock { $0.append = gate }
        return gate
    }

    func holdNextRead() -> TestGate {
        let gate = TestGate()
        gates.withLock { $0.read = gate }
        return gate
    }

    func failAppends() { failing.withLock { $0 = true } }

    struct Unavailable: Error {}

    func append(_ message: [UInt8], to entity: EntityID) async throws -> HistoryPosition {
        if failing.withLock({ $0 }) { throw Unavailable() }
        let position = base.append(message, to: entity)
        if let gate = takeGate(\.append) {
            await gate.pass()
        }
        return position
    }

    func read(_ entity: EntityID, since: HistoryPosition?) async -> HistoryRead {
        let read = base.read(entity, since: since)
        if let gate = takeGate(\.read) {
            await gate.pass()
        }
        return read
    }

    func removeExpired() -> Int { base.removeExpired() }

    private func takeGate(_ which: WritableKeyPath<(append: TestGate?, read: TestGate?), TestGate?>) -> TestGate? {
        gates.withLock { gates in
            let gate = gates[keyPath: which]
            gates[keyPath: which] = nil
            return gate
        }
    }
}
