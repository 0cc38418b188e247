/// One turn per entity: publishes to the same entity take it one after the other, publishes to
/// different entities never wait for each other.
///
/// With history on, a publish holds its entity's turn from the append that numbers it until its
/// message is on every recipient's queue (or lane), so that each subscriber receives an entity's
/// offsets in increasing order. Turns are handed over in arrival order.
final class EntityTurns: Sendable {
    private let waiters = StoreLock([EntityID: [CheckedContinuation<Void, Never>]]())

    /// Returns once the caller holds `entity`'s turn.
    func acquire(_ entity: EntityID) async {
        let free = waiters.withLock { waiters in
            if waiters[entity] == nil {
                waiters[entity] = []
                return true
            }
            return false
        }
        if free { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let handedOver = waiters.withLock { waiters -> Bool in
                // The holder may have released it between the two locks.
                guard waiters[entity] != nil else {
                    waiters[entity] = []
                    return true
                }
                waiters[entity]!.append(continuation)
                return false
            }
            if handedOver { continuation.resume() }
        }
    }

    /// Gives `entity`'s turn to the next waiter, or frees it.
    func release(_ entity: EntityID) {
        let next = waiters.withLock { waiters -> CheckedContinuation<Void, Never>? in
            guard var queue = waiters[entity], !queue.isEmpty else {
                waiters[entity] = nil
                return nil
            }
            let next = queue.removeFirst()
            waiters[entity] = queue
            return next
        }
        next?.resume()
    }

    /// Entities whose turn is held now; for tests.
    var heldCount: Int { waiters.withLock { $0.count } }
}
