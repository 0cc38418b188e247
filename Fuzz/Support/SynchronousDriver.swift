// Runs async library code to completion from libFuzzer's synchronous callback without blocking a
// thread on a semaphore: the work runs in a task whose executor preference is a queue that the
// calling thread drains itself. Nonisolated async functions (the router, the gateway, the
// lock-based in-memory stores) then run on the fuzzing thread, deterministically, one job at a time.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A task executor whose jobs wait in a queue until `drain` runs them on the calling thread.
///
/// `@unchecked Sendable`: the queue is the only mutable state and every access to it holds
/// `mutex`; jobs enqueued from other threads (should any code hop away and back) are safe to add.
final class PumpExecutor: TaskExecutor, @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var jobs: [UnownedJob] = []

    init() {
        pthread_mutex_init(&mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(&mutex)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        pthread_mutex_lock(&mutex)
        jobs.append(unowned)
        pthread_mutex_unlock(&mutex)
    }

    private func takeAll() -> [UnownedJob] {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        let taken = jobs
        jobs.removeAll(keepingCapacity: true)
        return taken
    }

    /// Runs queued jobs until `isFinished` says the work is done; yields the CPU while work runs
    /// elsewhere (it should not, but a stray hop must not turn into a busy hang).
    func drain(until isFinished: () -> Bool) {
        while !isFinished() {
            let batch = takeAll()
            if batch.isEmpty {
                sched_yield()
                continue
            }
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }
}

/// Holds a task's result for the draining thread.
///
/// `@unchecked Sendable`: `value` is written once by the task and read by the draining thread
/// only after `isSet` (both under `mutex`) says it was written.
private final class ResultBox<Value: Sendable>: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var value: Value?

    init() {
        pthread_mutex_init(&mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(&mutex)
    }

    func set(_ newValue: Value) {
        pthread_mutex_lock(&mutex)
        value = newValue
        pthread_mutex_unlock(&mutex)
    }

    func get() -> Value? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return value
    }
}

private let sharedExecutor = PumpExecutor()

/// Runs `body` to completion and returns its result.
func runSynchronously<Value: Sendable>(_ body: @escaping @Sendable () async -> Value) -> Value {
    let box = ResultBox<Value>()
    let executor = sharedExecutor
    Task(executorPreference: executor) {
        box.set(await body())
    }
    executor.drain { box.get() != nil }
    return box.get()!
}
