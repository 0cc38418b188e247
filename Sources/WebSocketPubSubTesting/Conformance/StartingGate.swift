/// Holds concurrent tasks until all of them have arrived, then releases them together.
///
/// Without it, child tasks of a group start one after another, and on a machine with few cores
/// the first may finish before the last begins: a store that checks and inserts in two steps
/// would then pass the concurrency checks by luck.
actor StartingGate {
    private let parties: Int
    private var arrived = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(parties: Int) {
        self.parties = parties
    }

    /// Suspends until `parties` tasks have called this; the last one releases every other.
    func arriveAndWait() async {
        arrived += 1
        if arrived >= parties {
            let released = waiting
            waiting = []
            for continuation in released { continuation.resume() }
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }
}
