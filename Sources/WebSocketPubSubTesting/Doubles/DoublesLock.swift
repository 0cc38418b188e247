#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Android)
    import Android
#endif

/// One `pthread_mutex_t` guarding one value: the test doubles' only isolation boundary.
///
/// The doubles are called from the code under test on arbitrary tasks and read by the test, so each
/// keeps all of its state in one value behind one of these. `Synchronization.Mutex` is avoided because
/// ThreadSanitizer reports false races on it with this toolchain.
final class DoublesLock<State: Sendable>: @unchecked Sendable {
    // @unchecked Sendable is sound: `state` is read and written only inside `withLock`, which holds
    // `mutex` for the whole access, and `State: Sendable` makes whatever `body` returns safe to share.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var state: State

    init(_ initialState: State) {
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
    func withLock<Result>(_ body: (inout State) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state)
    }
}
