import Testing
import WebSocketPubSub
import WebSocketPubSubTesting

@Suite("Notifier retries and order", .timeLimit(.minutes(1)))
struct NotifierRetryTests {
    @Test func transientFailureIsRetriedWithBackoffThenDelivered() async throws {
        let fixture = NotifierFixture()
        let game = entity("game-1")
        let ids = fixture.connect(2, to: game)
        fixture.sender.script(ids[0], as: .failNext(2, reason: "buffer full"))
        let message = text("m1")

        let publish = Task { try await fixture.notifier.publish(entityId: game, message: message) }
        await fixture.clock.waitForSleepers(1)
        #expect(fixture.clock.requestedSleeps == [.milliseconds(100)])
        fixture.clock.advance(by: .milliseconds(100))
        await fixture.clock.waitForSleepers(1)
        #expect(fixture.clock.requestedSleeps == [.milliseconds(100), .milliseconds(200)])
        fixture.clock.advance(by: .milliseconds(200))
        let report = try await publish.value

        #expect(report == DeliveryReport(entityId: game, recipients: 2, delivered: 2))
        #expect(fixture.sender.attempts(to: ids[0]) == [message, message, message])
        #expect(fixture.sender.deliveries(to: ids[0]) == [message])
        #expect(fixture.sender.deliveries(to: ids[1]) == [message])
        #expect(fixture.sender.batches.map(\.recipients).suffix(2) == [[ids[0]], [ids[0]]])
        #expect(
            fixture.observer.events == [
                .deliveryRetried(ids[0], attempt: 2, reason: "buffer full"),
                .deliveryRetried(ids[0], attempt: 3, reason: "buffer full"),
                .published(game, delivered: 2, gone: 0, failed: 0),
            ])
    }

    @Test func failureThatOutlastsTheDeadlineIsReportedFailed() async throws {
        let policy = RetryPolicy(
            maxAttempts: 10, baseDelay: .seconds(1), maxDelay: .seconds(1), jitter: 0, deadline: .milliseconds(2500))
        let fixture = NotifierFixture(policy: policy)
        let game = entity("game-1")
        let ids = fixture.connect(1, to: game)
        fixture.sender.script(ids[0], as: .failAlways(reason: "throttled"))

        let publish = Task { try await fixture.notifier.publish(entityId: game, message: text("m")) }
        await fixture.clock.waitForSleepers(1)
        fixture.clock.advance(by: .seconds(1))
        await fixture.clock.waitForSleepers(1)
        fixture.clock.advance(by: .seconds(1))
        let report = try await publish.value

        // Tries at 0 s, 1 s and 2 s; the next would be at 3 s, after the 2.5 s deadline.
        #expect(fixture.sender.attempts(to: ids[0]).count == 3)
        #expect(fixture.clock.requestedSleeps == [.seconds(1), .seconds(1)])
        #expect(report.delivered == 0)
        #expect(report.failedConnections == [ids[0]])
        #expect(fixture.observer.events.last == .published(game, delivered: 0, gone: 0, failed: 1))
        #expect(fixture.observer.events.contains(.deliveryFailed(ids[0], reason: "throttled")))
    }

    @Test func failureIsGivenUpAfterMaxAttempts() async throws {
        let policy = RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(10), jitter: 0, deadline: .seconds(60))
        let fixture = NotifierFixture(policy: policy)
        let game = entity("game-1")
        let ids = fixture.connect(1, to: game)
        fixture.sender.script(ids[0], as: .failAlways(reason: "full"))

        let publish = Task { try await fixture.notifier.publish(entityId: game, message: text("m")) }
        await fixture.clock.waitForSleepers(1)
        fixture.clock.advance(by: .milliseconds(10))
        let report = try await publish.value

        #expect(fixture.sender.attempts(to: ids[0]).count == 2)
        #expect(report.failedConnections == [ids[0]])
        #expect(fixture.clock.pendingSleepCount == 0)
    }

    @Test func laterMessageDoesNotOvertakeOneBeingRetried() async throws {
        let fixture = NotifierFixture()
        let game = entity("game-1")
        let ids = fixture.connect(2, to: game)
        let (slow, fast) = (ids[0], ids[1])
        fixture.sender.script(slow, as: .failNext(1, reason: "buffer full"))
        let first = text("m1")
        let second = text("m2")

        let publishFirst = Task { try await fixture.notifier.publish(entityId: game, message: first) }
        await fixture.clock.waitForSleepers(1)
        let publishSecond = Task { try await fixture.notifier.publish(entityId: game, message: second) }
        await fixture.sender.waitForBatches(2)

        // The second batch leaves out the connection being retried, and it has not been sent m2.
        #expect(fixture.sender.batches[1].recipients == [fast])
        #expect(fixture.sender.attempts(to: slow) == [first])

        fixture.clock.advance(by: .milliseconds(100))
        let firstReport = try await publishFirst.value
        let secondReport = try await publishSecond.value

        #expect(fixture.sender.deliveries(to: slow) == [first, second])
        #expect(fixture.sender.attempts(to: slow) == [first, first, second])
        #expect(fixture.sender.deliveries(to: fast) == [first, second])
        #expect(fixture.sender.maxConcurrentSends(to: slow) == 1)
        #expect(firstReport.delivered == 2 && firstReport.isComplete)
        #expect(secondReport.delivered == 2 && secondReport.isComplete)
    }

    @Test func fullQueueGivesUpTheNewestMessage() async throws {
        var policy = NotifierFixture.exactPolicy
        policy.maxQueuedMessagesPerConnection = 1
        let fixture = NotifierFixture(policy: policy)
        let game = entity("game-1")
        let ids = fixture.connect(2, to: game)
        let (slow, fast) = (ids[0], ids[1])
        fixture.sender.script(slow, as: .failNext(1, reason: "buffer full"))
        let messages = [text("m1"), text("m2"), text("m3")]

        let publishFirst = Task { try await fixture.notifier.publish(entityId: game, message: messages[0]) }
        await fixture.clock.waitForSleepers(1)
        let publishSecond = Task { try await fixture.notifier.publish(entityId: game, message: messages[1]) }
        await fixture.sender.waitForBatches(2)
        let thirdReport = try await fixture.notifier.publish(entityId: game, message: messages[2])

        #expect(thirdReport.delivered == 1)
        #expect(thirdReport.failedConnections == [slow])
        fixture.clock.advance(by: .milliseconds(100))
        _ = try await publishFirst.value
        let secondReport = try await publishSecond.value

        #expect(secondReport.isComplete)
        #expect(fixture.sender.deliveries(to: slow) == [messages[0], messages[1]])
        #expect(fixture.sender.deliveries(to: fast) == messages)
        let queueFull = fixture.observer.events.contains {
            if case .deliveryFailed(slow, _) = $0 { return true }
            return false
        }
        #expect(queueFull)
    }

    @Test func connectionGoneDuringRetryEndsItsQueueAsGone() async throws {
        let fixture = NotifierFixture()
        let game = entity("game-1")
        let ids = fixture.connect(2, to: game)
        let (leaving, staying) = (ids[0], ids[1])
        fixture.sender.script(leaving, as: .failNext(1, reason: "buffer full"))

        let publishFirst = Task { try await fixture.notifier.publish(entityId: game, message: text("m1")) }
        await fixture.clock.waitForSleepers(1)
        let publishSecond = Task { try await fixture.notifier.publish(entityId: game, message: text("m2")) }
        await fixture.sender.waitForBatches(2)
        fixture.sender.script(leaving, as: .gone)
        fixture.clock.advance(by: .milliseconds(100))
        let firstReport = try await publishFirst.value
        let secondReport = try await publishSecond.value

        #expect(firstReport.goneConnections == [leaving])
        #expect(secondReport.goneConnections == [leaving])
        #expect(firstReport.delivered == 1 && secondReport.delivered == 1)
        #expect(fixture.sender.attempts(to: leaving).count == 2)
        #expect(fixture.connections.connection(leaving) == nil)
        #expect(fixture.subscriptions.subscribers(of: game) == [staying])
    }

    @Test func retryCapacityGivesUpFurtherFailuresAtOnce() async throws {
        var policy = NotifierFixture.exactPolicy
        policy.maxRetryingConnections = 1
        let fixture = NotifierFixture(policy: policy)
        let game = entity("game-1")
        let ids = fixture.connect(2, to: game)
        for id in ids { fixture.sender.script(id, as: .failNext(1, reason: "full")) }

        let publish = Task { try await fixture.notifier.publish(entityId: game, message: text("m")) }
        await fixture.clock.waitForSleepers(1)
        fixture.clock.advance(by: .milliseconds(100))
        let report = try await publish.value

        #expect(report.delivered == 1)
        #expect(report.failed == 1)
        #expect(fixture.sender.batches.count == 2)
    }

    @Test func jitterShortensDelaysRepeatably() async throws {
        let policy = RetryPolicy(maxAttempts: 2, baseDelay: .seconds(1), jitter: 1, deadline: .seconds(60))
        var sleeps: [[Duration]] = []
        for _ in 0..<2 {
            let fixture = NotifierFixture(policy: policy)
            let game = entity("game-1")
            let ids = fixture.connect(1, to: game)
            fixture.sender.script(ids[0], as: .failNext(1, reason: "full"))
            let publish = Task { try await fixture.notifier.publish(entityId: game, message: text("m")) }
            await fixture.clock.waitForSleepers(1)
            fixture.clock.advanceToNextDeadline()
            _ = try await publish.value
            sleeps.append(fixture.clock.requestedSleeps)
        }
        #expect(sleeps[0] == sleeps[1])
        let delay = try #require(sleeps[0].first)
        #expect(delay >= .zero && delay < .seconds(1))
    }
}
