import Foundation
import Testing
import WebSocketPubSub
import WebSocketPubSubTesting

@Suite("Sessions: slow consumers and stalled transports", .timeLimit(.minutes(1)))
struct SlowConsumerTests {
    @Test func aStalledReaderIsClosedWith1008AndReportedFailedWhileTheOthersGetEverything() async throws {
        let fixture = SessionFixture(configuration: SessionConfiguration(maxQueuedMessages: 8))
        let stalled = RecordingSessionTransport()
        let (_, _) = try #require(await fixture.subscribed("slow", to: "e", transport: stalled))
        stalled.holdWrites()
        var healthy: [RecordingSessionTransport] = []
        for index in 0..<3 {
            let (_, transport) = try #require(await fixture.subscribed("fast\(index)", to: "e"))
            healthy.append(transport)
        }
        let entity = try EntityID(validating: "e")
        var reports: [DeliveryReport] = []
        for index in 0..<20 {
            reports.append(try await fixture.notifier.publish(entityId: entity, json: Array("\(index)".utf8)))
            // A publisher paced by the healthy readers: their queues drain between publishes.
            for transport in healthy { await transport.waitForMessages(index + 2) }
        }
        // Publishes never waited for the stalled writer: all 20 returned, and the reader was cut off
        // as soon as its queue overflowed.
        let failedAt = try #require(reports.firstIndex { $0.failed == 1 })
        #expect(reports[failedAt].failedConnections == [ConnectionID("slow")])
        #expect(reports[..<failedAt].allSatisfy { $0.delivered == 4 })
        #expect(reports[(failedAt + 1)...].allSatisfy { $0.delivered == 3 })
        #expect(reports[failedAt].delivered == 3)
        #expect(reports[(failedAt + 1)...].allSatisfy { $0.delivered == 3 })
        await stalled.waitForClose()
        #expect(stalled.closes.first?.code == SessionCloseCode.policyViolation)
        for transport in healthy {
            await transport.waitForMessages(21)
            #expect(transport.texts.dropFirst().map { $0.contains(#""message":"#) }.allSatisfy { $0 })
            #expect(transport.messages.count == 21)
        }
        stalled.releaseWrites()
    }

    @Test func dropNewestKeepsTheConnectionAndTheQueuedOrder() async throws {
        let fixture = SessionFixture(
            configuration: SessionConfiguration(maxQueuedMessages: 4, slowConsumerPolicy: .dropNewest))
        let transport = RecordingSessionTransport()
        let (_, _) = try #require(await fixture.subscribed("slow", to: "e", transport: transport))
        transport.holdWrites()
        let entity = try EntityID(validating: "e")
        var failed = 0
        for index in 0..<10 {
            failed += try await fixture.notifier.publish(entityId: entity, json: Array("\(index)".utf8)).failed
        }
        #expect(failed > 0)
        transport.releaseWrites()
        let delivered = 10 - failed
        await transport.waitForMessages(1 + delivered)
        #expect(transport.closes.isEmpty)
        // What was kept arrives in publish order.
        let numbers = transport.texts.dropFirst().compactMap { text -> Int? in
            guard let range = text.range(of: #""message":"#) else { return nil }
            return Int(text[range.upperBound...].prefix { $0.isNumber })
        }
        #expect(numbers == numbers.sorted())
        #expect(numbers.count == delivered)
    }

    @Test func aLargeMessageCountsAgainstTheByteLimit() async throws {
        let fixture = SessionFixture(configuration: SessionConfiguration(maxQueuedBytes: 1024))
        let transport = RecordingSessionTransport()
        let (_, _) = try #require(await fixture.subscribed("slow", to: "e", transport: transport))
        let big = Array(#""\#(String(repeating: "x", count: 2000))""#.utf8)
        let report = try await fixture.notifier.publish(entityId: EntityID(validating: "e"), json: big)
        #expect(report.failed == 1)
        await transport.waitForClose()
        #expect(transport.closes.first?.code == SessionCloseCode.policyViolation)
    }

    @Test func aTransportThatThrowsMakesLaterMessagesGone() async throws {
        let fixture = SessionFixture()
        let transport = RecordingSessionTransport()
        let (_, _) = try #require(await fixture.subscribed("c1", to: "e", transport: transport))
        transport.failWrites()
        let entity = try EntityID(validating: "e")
        _ = try await fixture.notifier.publish(entityId: entity, json: Array("1".utf8))
        // The failed write is seen by the writer task; a later publish finds the session closing.
        var report = try await fixture.notifier.publish(entityId: entity, json: Array("2".utf8))
        for _ in 0..<100 where report.gone == 0 {
            try await Task.sleep(for: .milliseconds(10))
            report = try await fixture.notifier.publish(entityId: entity, json: Array("3".utf8))
        }
        #expect(report.goneConnections == [ConnectionID("c1")])
    }
}
