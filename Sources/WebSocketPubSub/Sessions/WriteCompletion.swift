import Synchronization

/// Who goes on after a callback transport's write: the loop that called `write`, when the completion
/// came before `write` returned, or the completion itself, when it came later. One atomic word
/// settles the race between the two.
///
/// A session has at most one write in flight, so it keeps one of these for all its writes, stored
/// inline, and resets it with ``begin()`` before each: a write then allocates no state of its own, and
/// its completion closure captures only the session (a closure capturing one object needs no context
/// allocation). Reuse is safe because the next `begin()` comes only after both sides have looked:
/// the loop goes on after seeing the completion's outcome, or the completion goes on after seeing
/// that the loop has returned.
struct WriteCompletion: ~Copyable, Sendable {
    enum Outcome {
        /// The write has not completed: its completion will continue.
        case pending
        /// It completed with the bytes taken: the caller continues.
        case written
        /// It completed with the connection gone.
        case failed
    }

    private static let pending = 0
    private static let returned = 1
    private static let written = 2
    private static let failed = 3

    private let state = Atomic<Int>(WriteCompletion.pending)

    /// Called before each write.
    func begin() {
        state.store(Self.pending, ordering: .releasing)
    }

    /// Called by the completion; `true` when `write` had already returned, so the completion must
    /// continue itself, `false` when the caller's loop will see the outcome.
    func completeAfterReturn(written: Bool) -> Bool {
        let outcome = written ? Self.written : Self.failed
        let (exchanged, _) = state.compareExchange(
            expected: Self.pending, desired: outcome, ordering: .acquiringAndReleasing)
        return !exchanged
    }

    /// Called once `write` has returned.
    func returned() -> Outcome {
        let (exchanged, original) = state.compareExchange(
            expected: Self.pending, desired: Self.returned, ordering: .acquiringAndReleasing)
        if exchanged { return .pending }
        return original == Self.written ? .written : .failed
    }
}
