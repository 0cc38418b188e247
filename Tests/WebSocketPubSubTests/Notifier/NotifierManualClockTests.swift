import Testing
import WebSocketPubSubTesting

@Suite("Notifier manual clock", .timeLimit(.minutes(1)))
struct NotifierManualClockTests {
    @Test func sleepReturnsWhenTheClockReachesItsDeadline() async throws {
        let clock = ManualClock()
        let sleeper = Task { try await clock.sleep(for: .seconds(2)) }
        await clock.waitForSleepers(1)

        clock.advance(by: .seconds(1))
        #expect(clock.pendingSleepCount == 1)
        clock.advance(by: .seconds(1))
        try await sleeper.value

        #expect(clock.pendingSleepCount == 0)
        #expect(clock.requestedSleeps == [.seconds(2)])
        #expect(clock.now == ManualClock.Instant(offset: .seconds(2)))
    }

    @Test func sleepUntilAPastDeadlineReturnsAtOnce() async throws {
        let clock = ManualClock()
        clock.advance(by: .seconds(5))
        try await clock.sleep(until: ManualClock.Instant(offset: .seconds(3)), tolerance: nil)
        #expect(clock.requestedSleeps.isEmpty)
    }

    @Test func cancellingASleeperThrowsCancellationError() async throws {
        let clock = ManualClock()
        let sleeper = Task { try await clock.sleep(for: .seconds(1)) }
        await clock.waitForSleepers(1)

        sleeper.cancel()

        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(clock.pendingSleepCount == 0)
    }

    @Test func advanceNeverMovesBackwards() {
        let clock = ManualClock()
        clock.advance(by: .seconds(2))
        clock.advance(by: .seconds(-1))
        clock.advance(to: ManualClock.Instant(offset: .seconds(1)))
        #expect(clock.now.offset == .seconds(2))
        #expect(clock.minimumResolution == .zero)
    }

    @Test func advanceToNextDeadlineWakesTheEarliestSleeper() async throws {
        let clock = ManualClock()
        let early = Task { try await clock.sleep(for: .seconds(1)) }
        let late = Task { try await clock.sleep(for: .seconds(3)) }
        await clock.waitForSleepers(2)

        #expect(clock.advanceToNextDeadline() == .seconds(1))
        try await early.value
        #expect(clock.pendingSleepCount == 1)
        #expect(clock.advanceToNextDeadline() == .seconds(2))
        try await late.value
        #expect(clock.advanceToNextDeadline() == nil)
    }
}
