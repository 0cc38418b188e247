#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Android)
    import Android
#endif

/// One `pthread_mutex_t` guarding one value of state: the isolation boundary of the in-memory stores,
/// the notifier and (through `package` access) the test doubles of `WebSocketPubSubTesting`.
///
/// Why not an actor: the notifier asks for subscribers on every publish, and an uncontended mutex
/// costs a few nanoseconds where an actor hop costs a suspension. Why not `Synchronization.Mutex`:
/// ThreadSanitizer reports false races on it with this toolchain.
///
/// The mutex lives at a fixed heap address (a `pthread_mutex_t` must never move once initialized),
/// which is why this is a class that allocates it rather than a struct that stores it inline.
package final class StoreLock<State: Sendable>: @unchecked Sendable {
    // @unchecked Sendable is sound: `state` is read and written only inside `withLock`, which holds
    // `mutex` for the whole access, and `State: Sendable` makes whatever `body` returns safe to share.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var state: State

    package init(_ initialState: State) {
        state = initialState
        mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        let result = pthread_mutex_init(mutex, nil)
        precondition(result == 0, "pthread_mutex_init failed with error \(result)")
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the state. `body` must not call back into this lock.
    package func withLock<Result>(_ body: (inout State) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state)
    }
}
