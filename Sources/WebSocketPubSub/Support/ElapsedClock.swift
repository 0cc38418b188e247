#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#elseif canImport(Android)
    import Android
#endif

/// Time as offsets from the moment the owner (a notifier, a session hub) was created, on any `Clock<Duration>`.
///
/// Erasing the clock here keeps ``Notifier`` and ``SessionHub`` plain, non-generic types while tests still inject a
/// manual clock. In place of the usual clock, `ContinuousClock`, this reads `CLOCK_MONOTONIC` itself, because a
/// session reads the time on every message: reading through a stored closure would retain its context, a reference
/// count that the sessions on every core would write, and keeping a `ContinuousClock.Instant`, whose layout the
/// standard library does not fix, made this type's layout unknown at compile time, so that every read copied it
/// through the runtime's value witnesses (5% of a message's handling).
struct ElapsedClock: Sendable {
    private enum Source: Sendable {
        /// `CLOCK_MONOTONIC`, in nanoseconds, at creation.
        case monotonic(origin: Int64)
        case erased(now: @Sendable () -> Duration, sleep: @Sendable (_ until: Duration) async throws -> Void)
    }

    private let source: Source

    init<C: Clock<Duration>>(_ clock: C) {
        if clock is ContinuousClock {
            source = .monotonic(origin: Self.monotonicNanoseconds())
            return
        }
        let origin = clock.now
        source = .erased(
            now: { origin.duration(to: clock.now) },
            sleep: { offset in try await clock.sleep(until: origin.advanced(by: offset), tolerance: nil) })
    }

    /// The time elapsed since the owner was created.
    func now() -> Duration {
        switch source {
        case .monotonic(let origin): .nanoseconds(Self.monotonicNanoseconds() &- origin)
        case .erased(let now, _): now()
        }
    }

    /// Suspends until `offset` after the owner was created.
    func sleep(_ offset: Duration) async throws {
        switch source {
        case .monotonic:
            // A deadline already past still sleeps for zero, which throws when the task is cancelled.
            try await ContinuousClock().sleep(for: max(.zero, offset - now()))
        case .erased(_, let sleep): try await sleep(offset)
        }
    }

    private static func monotonicNanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) &* 1_000_000_000 &+ Int64(time.tv_nsec)
    }
}
