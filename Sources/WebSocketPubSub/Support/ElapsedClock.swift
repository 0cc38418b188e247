/// Time as offsets from the moment the owner (a notifier, a session hub) was created, on any `Clock<Duration>`.
///
/// Erasing the clock here keeps ``Notifier`` and ``SessionHub`` plain, non-generic types while tests still inject a
/// manual clock. The usual clock, `ContinuousClock`, is read directly rather than through a closure: a session reads
/// the time on every message, and calling a stored closure retains its context, a reference count that the
/// sessions on every core would write.
struct ElapsedClock: Sendable {
    private enum Source: Sendable {
        case continuous(origin: ContinuousClock.Instant)
        case erased(now: @Sendable () -> Duration, sleep: @Sendable (_ until: Duration) async throws -> Void)
    }

    private let source: Source

    init<C: Clock<Duration>>(_ clock: C) {
        if let continuous = clock as? ContinuousClock {
            source = .continuous(origin: continuous.now)
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
        case .continuous(let origin): origin.duration(to: .now)
        case .erased(let now, _): now()
        }
    }

    /// Suspends until `offset` after the owner was created.
    func sleep(_ offset: Duration) async throws {
        switch source {
        case .continuous(let origin):
            try await ContinuousClock().sleep(until: origin.advanced(by: offset), tolerance: nil)
        case .erased(_, let sleep): try await sleep(offset)
        }
    }
}
