import Foundation
import Testing
import WebSocketPubSubTesting

@testable import WebSocketPubSub

@Suite("Notifier concurrency", .timeLimit(.minutes(2)))
struct NotifierConcurrencyTests {
    private static let publishers = 8
    private static let messagesPerPublisher = 25
    private static let connectionCount = 40

    @Test func concurrentPublishesWithRandomFailuresKeepEveryInvariant() async throws {
        let entities = (0..<4).map { entity("e\($0)") }
        let connections = InMemoryConnectionStore()
        let subscriptions = InMemorySubscriptionStore()
        let ids = (0..<Self.connectionCount).map { ConnectionID("c\($0)") }
        for (index, id) in ids.enumerated() {
            connections.insert(Connection(id: id, connectedAt: Date(timeIntervalSince1970: 0)))
            _ = subscriptions.subscribe(id, to: entities[index % 4], limit: 8)
            _ = subscriptions.subscribe(id, to: entities[(index + 1) % 4], limit: 8)
        }
        let sender = RecordingConnectionSender(rule: { _, _ in
            Double.random(in: 0..<1) < 0.25 ? .failed("random") : nil
        })
        let goneIDs = [ids[3], ids[17], ids[30]]
        for id in goneIDs { sender.script(id, as: .gone) }
        let policy = RetryPolicy(
            maxAttempts: 6, baseDelay: .milliseconds(1), maxDelay: .milliseconds(4), jitter: 0.5,
            deadline: .seconds(30), maxQueuedMessagesPerConnection: 8)
        let notifier = Notifier(
            connections: connections, subscriptions: subscriptions, sender: sender, retryPolicy: policy,
            observer: RecordingObserver())

        let reports = try await withThrowingTaskGroup(of: [DeliveryReport].self) { group in
            for publisher in 0..<Self.publishers {
                group.addTask {
                    var generator = SeededRandomNumberGenerator(seed: UInt64(publisher))
                    var reports: [DeliveryReport] = []
                    for sequence in 0..<Self.messagesPerPublisher {
                        let target = entities[Int(generator.next() % 4)]
                        let message = OutboundMessage(text: "\(publisher)-\(sequence)")
                        reports.append(try await notifier.publish(entityId: target, message: message))
                    }
                    return reports
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }

        #expect(reports.count == Self.publishers * Self.messagesPerPublisher)
        for report in reports {
            #expect(report.delivered + report.gone + report.failed == report.recipients)
            #expect(Set(report.goneConnections).isSubset(of: Set(goneIDs)))
        }
        let deliveredTotal = ids.reduce(0) { $0 + sender.deliveries(to: $1).count }
        #expect(reports.reduce(0) { $0 + $1.delivered } == deliveredTotal)

        for id in ids {
            let attempts = sender.attempts(to: id).map { String(decoding: $0.bytes, as: UTF8.self) }
            let deliveries = sender.deliveries(to: id).map { String(decoding: $0.bytes, as: UTF8.self) }
            #expect(sender.maxConcurrentSends(to: id) <= 1, "two sends in flight to \(id)")
            #expect(Set(deliveries).count == deliveries.count, "a message delivered twice to \(id)")
            #expect(Self.isContiguous(attempts), "a message retried after a later one was sent to \(id)")
            #expect(Self.keepsPublisherOrder(deliveries), "messages of one publisher reordered at \(id)")
        }
        for id in goneIDs {
            #expect(connections.connection(id) == nil)
            #expect(subscriptions.subscriptions(of: id).isEmpty)
        }
        #expect(notifier.retryingConnectionCount == 0)
        #expect(notifier.unfinishedPublishCount == 0)
    }

    /// Whether each message's attempts form one run: no message is tried again once another was tried.
    private static func isContiguous(_ attempts: [String]) -> Bool {
        var finished: Set<String> = []
        var current: String?
        for attempt in attempts where attempt != current {
            if let current { finished.insert(current) }
            if finished.contains(attempt) { return false }
            current = attempt
        }
        return true
    }

    /// Whether the messages of each publisher ("publisher-sequence") arrive in increasing sequence.
    private static func keepsPublisherOrder(_ deliveries: [String]) -> Bool {
        var last: [Substring: Int] = [:]
        for delivery in deliveries {
            let parts = delivery.split(separator: "-")
            guard parts.count == 2, let sequence = Int(parts[1]) else { return false }
            if let previous = last[parts[0]], previous >= sequence { return false }
            last[parts[0]] = sequence
        }
        return true
    }
}
