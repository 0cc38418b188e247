import Foundation
import PostgresNIO
import Testing
import WebSocketPubSub

@testable import PostgresPubSub

@Suite("Cross-node fan-out through LISTEN/NOTIFY", .serialized, .enabled(if: TestDatabase.shouldRun))
struct PostgresBrokerTests {
    /// What one node's `deliver` received, in order.
    actor Deliveries {
        typealias Received = (entity: String, message: [UInt8], position: HistoryPosition?)
        private(set) var received: [Received] = []

        func record(_ entity: EntityID, _ message: [UInt8], _ position: HistoryPosition?) {
            received.append((entity.rawValue, message, position))
        }

        /// Waits (bounded) until `count` events arrived.
        func waitFor(_ count: Int) async throws -> [Received] {
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(10)
            while received.count < count, clock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
            return received
        }
    }

    /// A running node: its broker listening, its lease registered, every event recorded and
    /// answered as `recipients` deliveries.
    struct Node {
        let broker: PostgresBroker
        let deliveries: Deliveries
        let task: Task<Void, Never>

        static func start(
            _ name: String, recipients: Int, client: PostgresClient, schema: PostgresSchema,
            reportTimeout: Duration = .seconds(5), history: HistoryLimits? = nil
        ) async throws -> Node {
            let identity = try NodeIdentity(nodeID: name)
            let store = history.map {
                PostgresHistoryStore(client: client, schema: schema, limits: $0, logger: TestDatabase.logger)
            }
            let broker = PostgresBroker(
                url: try TestDatabase.url(), client: client, schema: schema, identity: identity, history: store,
                configuration: .init(reportTimeout: reportTimeout), logger: TestDatabase.logger)
            let deliveries = Deliveries()
            let task = Task {
                await broker.run { entity, message, position in
                    await deliveries.record(entity, message, position)
                    return DeliveryReport(entityId: entity, recipients: recipients, delivered: recipients)
                }
            }
            try await broker.waitUntilListening()
            try await NodeMembership(client: client, schema: schema, identity: identity, logger: TestDatabase.logger)
                .register()
            return Node(broker: broker, deliveries: deliveries, task: task)
        }

        /// Nodes "a" and "b", answering `recipients.0` and `recipients.1` deliveries per event.
        static func startPair(
            recipients: (Int, Int) = (1, 1), client: PostgresClient, schema: PostgresSchema,
            history: HistoryLimits? = nil
        ) async throws -> (Node, Node) {
            let a = try await start("a", recipients: recipients.0, client: client, schema: schema, history: history)
            let b = try await start("b", recipients: recipients.1, client: client, schema: schema, history: history)
            return (a, b)
        }

        static func stop(_ nodes: Node...) {
            for node in nodes { node.task.cancel() }
        }
    }

    @Test func anEventReachesEveryNodeAndTheReportSumsThem() async throws {
        try await TestDatabase.withClient { client, schemas in
            let schema = try await schemas.make()
            let (a, b) = try await Node.startPair(recipients: (2, 3), client: client, schema: schema)
            defer { Node.stop(a, b) }
            let message = Array(#"{"score":[3,"ü"]}"#.utf8)

            let report = try await b.broker.publish(entityId: try EntityID(validating: "game-1"), message: message)

            #expect(report.recipients == 5 && report.delivered == 5 && report.gone == 0 && report.failed == 0)
            #expect(report.nodes == 2 && report.nodesAnswered == 2)
            for node in [a, b] {
                let received = try await node.deliveries.waitFor(1)
                #expect(received.map(\.entity) == ["game-1"])
                #expect(received.first?.message == message)
            }
        }
    }

    @Test(arguments: [7_800, 7_950, 7_999, 8_000, 8_001, 8_100, 100_000])
    func eventsOfEverySizeArriveByteForByte(envelopeTarget: Int) async throws {
        try await TestDatabase.withClient { client, schemas in
            let schema = try await schemas.make()
            let (a, b) = try await Node.startPair(client: client, schema: schema)
            defer { Node.stop(a, b) }
            let entity = try EntityID(validating: "big")
            let empty = ClusterMessage.event(id: UUID(), reply: a.broker.replyChannel, entityId: entity, message: [])
            // A JSON string of "é" (2 bytes each) and one ASCII byte, sized so the whole envelope
            // lands exactly on the target, either side of PostgreSQL's 8000-byte payload limit.
            let padding = envelopeTarget - empty.utf8.count - 2
            let text = String(repeating: "é", count: padding / 2) + String(repeating: "x", count: padding % 2)
            let message = Array("\"\(text)\"".utf8)
            #expect(
                ClusterMessage.event(id: UUID(), reply: a.broker.replyChannel, entityId: entity, message: message).utf8
                    .count == envelopeTarget)

            let report = try await a.broker.publish(entityId: entity, message: message)

            #expect(report.delivered == 2)
            for node in [a, b] {
                #expect(try await node.deliveries.waitFor(1).first?.message == message)
            }
            var stored = -1
            for try await count in try await client.query(
                "SELECT count(*) FROM \(unescaped: schema.eventBodies)", logger: TestDatabase.logger
            ).decode(Int.self) {
                stored = count
            }
            #expect(stored == (envelopeTarget > ClusterMessage.maximumInlinePayload ? 1 : 0))
        }
    }

    @Test func eachNodeDeliversInPublishOrder() async throws {
        try await TestDatabase.withClient { client, schemas in
            let schema = try await schemas.make()
            let (a, b) = try await Node.startPair(client: client, schema: schema)
            defer { Node.stop(a, b) }
            let entity = try EntityID(validating: "ordered")
            for sequence in 0..<100 {
                let publisher = sequence.isMultiple(of: 2) ? a : b
                _ = try await publisher.broker.publish(entityId: entity, message: Array("\(sequence)".utf8))
            }
            for node in [a, b] {
                let received = try await node.deliveries.waitFor(100)
                #expect(received.map { String(decoding: $0.message, as: UTF8.self) } == (0..<100).map(String.init))
            }
        }
    }

    @Test func aNodeThatHoldsALeaseButDoesNotAnswerIsReportedMissing() async throws {
        try await TestDatabase.withClient { client, schemas in
            let schema = try await schemas.make()
            let a = try await Node.start(
                "a", recipients: 4, client: client, schema: schema, reportTimeout: .milliseconds(300))
            defer { a.task.cancel() }
            // A node that registered and then hung: its lease is live, but it never reports.
            try await NodeMembership(
                client: client, schema: schema, identity: try NodeIdentity(nodeID: "hung"), logger: TestDatabase.logger
            ).register()

            let report = try await a.broker.publish(entityId: try EntityID(validating: "e"), message: Array("1".utf8))

            #expect(report.delivered == 4)
            #expect(report.nodes == 2)
            #expect(report.nodesAnswered == 1)
        }
    }

    @Test func aNodeThatCannotHearTheClusterRefusesToPublish() async throws {
        try await TestDatabase.withClient { client, schemas in
            let schema = try await schemas.make()
            let deaf = PostgresBroker(
                url: try TestDatabase.url(), client: client, schema: schema, identity: try NodeIdentity(nodeID: "deaf"),
                logger: TestDatabase.logger)
            await #expect(throws: PostgresPubSubError.notListening) {
                try await deaf.publish(entityId: try EntityID(validating: "e"), message: Array("1".utf8))
            }
        }
    }

    @Test func aForeignNotificationOnTheChannelIsIgnored() async throws {
        try await TestDatabase.withClient { client, schemas in
            let schema = try await schemas.make()
            let a = try await Node.start("a", recipients: 1, client: client, schema: schema)
            defer { a.task.cancel() }
            for garbage in [
                "not json", #"{"event":"x"}"#,
                #"{"event":"3f2504e0-4f89-41d3-9a0c-0305e82c3301","reply":"r","stored":true}"#,
            ] {
                try await client.query(
                    "SELECT pg_notify(\(schema.eventChannel), \(garbage))", logger: TestDatabase.logger)
            }

            let report = try await a.broker.publish(entityId: try EntityID(validating: "e"), message: Array("2".utf8))

            #expect(report.delivered == 1)
            #expect(try await a.deliveries.waitFor(1).map(\.message) == [Array("2".utf8)])
        }
    }
}
