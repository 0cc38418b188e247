import Testing
import WebSocketPubSub

@Suite("Notifier retry policy")
struct NotifierRetryPolicyTests {
    private let policy = RetryPolicy(baseDelay: .milliseconds(100), maxDelay: .seconds(1), jitter: 0.5)

    @Test(arguments: [
        (1, Duration.milliseconds(100)),
        (2, .milliseconds(200)),
        (3, .milliseconds(400)),
        (4, .milliseconds(800)),
        (5, .seconds(1)),
        (64, .seconds(1)),
        (Int.max, .seconds(1)),
    ])
    func delayDoublesUpToTheMaximum(failedAttempts: Int, expected: Duration) {
        #expect(policy.delay(afterFailedAttempts: failedAttempts, randomFraction: 0) == expected)
    }

    @Test func jitterTakesOffAtMostItsFraction() {
        #expect(policy.delay(afterFailedAttempts: 1, randomFraction: 0.5) == .milliseconds(75))
        #expect(policy.delay(afterFailedAttempts: 1, randomFraction: 1) == .milliseconds(50))
    }

    @Test func outOfRangeValuesAreClamped() {
        let odd = RetryPolicy(baseDelay: .seconds(-1), maxDelay: .seconds(-5), jitter: 7)
        #expect(odd.delay(afterFailedAttempts: 3, randomFraction: 0.5) == .zero)
        let nan = RetryPolicy(baseDelay: .seconds(1), maxDelay: .seconds(1), jitter: .nan)
        #expect(nan.delay(afterFailedAttempts: 0, randomFraction: .infinity) == .seconds(1))
    }
}
