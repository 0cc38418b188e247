/// Time as offsets from the moment the owner (a notifier, a session hub) was created, on any `Clock<Duration>`.
///
/// Erasing the clock here keeps ``Notifier`` and ``SessionHub`` plain, non-generic types while tests still inject a
/// manual clock. Only the slow path reads it: a publish whose recipients all accept never asks the time.
struct ElapsedClock: Sendable {
    /// The time elapsed since the owner was created.
    let now: @Sendable () -> Duration
    /// Suspends until `offset` after the owner was created.
    let sleep: @Sendable (_ until: Duration) async throws -> Void

    init<C: Clock<Duration>>(_ clock: C) {
        let origin = clock.now
        now = { origin.duration(to: clock.now) }
        sleep = { offset in try await clock.sleep(until: origin.advanced(by: offset), tolerance: nil) }
    }
}
