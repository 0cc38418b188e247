import Foundation
import Testing
import WebSocketPubSubTesting

@testable import WebSocketPubSub

@Suite("Notifier lanes: no turn shared between connections", .timeLimit(.minutes(1)))
struct NotifierLaneTests {
    @Test func aPublishToOneEntityProceedsWhileASendToAnotherIsStalled() async throws {
        let gate = AsyncGate()
        let stalled = text("B1")
        let sender = RecordingConnectionSender(beforeSend: { batch in
            if batch.message == stalled { await gate.wait() }
        })
        let fixture = NotifierFixture(sender: sender)
        let a = fixture.connect(1, to: entity("A"), prefix: "a")
        fixture.connect(1, to: entity("B"), prefix: "b")

        let slow = Task { try await fixture.notifier.publish(entityId: entity("B"), message: stalled) }
        await sender.waitForBatches(1)
        let report = try await fixture.notifier.publish(entityId: entity("A"), message: text("A1"))

        #expect(report.delivered == 1)
        #expect(sender.deliveries(to: a[0]) == [text("A1")])
        await gate.open()
        #expect(try await slow.value.delivered == 1)
    }

    @Test func aSharedConnectionWaitsInItsLaneWhileTheOtherRecipientsProceed() async throws {
        let gate = AsyncGate()
        let first = text("A1")
        let sender = RecordingConnectionSender(beforeSend: { batch in
            if batch.message == first { await gate.wait() }
        })
        let fixture = NotifierFixture(sender: sender)
        let shared = ConnectionID("shared")
        fixture.connections.insert(Connection(id: shared, connectedAt: Date(timeIntervalSince1970: 0)))
        _ = fixture.subscriptions.subscribe(shared, to: entity("A"), limit: 8)
        _ = fixture.subscriptions.subscribe(shared, to: entity("B"), limit: 8)
        let b = fixture.connect(1, to: entity("B"), prefix: "b")

        let slow = Task { try await fixture.notifier.publish(entityId: entity("A"), message: first) }
        await sender.waitForBatches(1)
        let second = Task { try await fixture.notifier.publish(entityId: entity("B"), message: text("B1")) }
        await sender.waitForBatches(2)

        // B's batch went out at once to the recipient with nothing in flight; the shared connection
        // waits in its lane behind A1.
        #expect(sender.batches[1].recipients == b)
        #expect(sender.deliveries(to: b[0]) == [text("B1")])
        #expect(sender.attempts(to: shared).isEmpty)
        await gate.open()
        #expect(try await slow.value.delivered == 1)
        #expect(try await second.value.delivered == 2)
        #expect(sender.deliveries(to: shared) == [first, text("B1")])
        #expect(sender.maxConcurrentSends(to: shared) == 1)
        #expect(fixture.notifier.laneCount == 0)
    }

    @Test func aPublishAloneOpensNoLaneAndASecondOneQueuesBehindIt() async throws {
        let gate = AsyncGate()
        let first = text("A1")
        let sender = RecordingConnectionSender(beforeSend: { batch in
            if batch.message == first { await gate.wait() }
        })
        let fixture = NotifierFixture(sender: sender)
        let recipients = fixture.connect(3, to: entity("A"), prefix: "a")

        let slow = Task { try await fixture.notifier.publish(entityId: entity("A"), message: first) }
        await sender.waitForBatches(1)
        #expect(fixture.notifier.laneCount == 0)
        let second = Task { try await fixture.notifier.publish(entityId: entity("A"), message: text("A2")) }
        for _ in 0..<1_000 where fixture.notifier.laneCount < 3 { try await Task.sleep(for: .milliseconds(1)) }
        // The second publish gave the first one's recipients their lanes and waits in them.
        #expect(fixture.notifier.laneCount == 3)
        #expect(sender.batches.count == 1)
        await gate.open()
        #expect(try await slow.value.delivered == 3)
        #expect(try await second.value.delivered == 3)
        for recipient in recipients { #expect(sender.deliveries(to: recipient) == [first, text("A2")]) }
        #expect(fixture.notifier.laneCount == 0)
    }
}
