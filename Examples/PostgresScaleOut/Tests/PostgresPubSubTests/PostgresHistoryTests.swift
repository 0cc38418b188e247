import Foundation
import PostgresNIO
import Testing
import WebSocketPubSub

@testable import PostgresPubSub

@Suite("History in PostgreSQL: one numbering for the whole cluster", .serialized, .enabled(if: TestDatabase.shouldRun))
struct PostgresHistoryTests {
    typealias Node = PostgresBrokerTests.Node

    static func store(
        _ client: PostgresClient, _ schema: PostgresSchema, size: Int = 100, ttl: Duration = .seconds(300),
        streamRetention: Duration = .seconds(86_400)
    ) -> PostgresHistoryStore {
        PostgresHistoryStore(
            client: client, schema: schema, limits: HistoryLimits(maxMessagesPerEntity: size, timeToLive: ttl),
            streamRetention: streamRetention, logger: TestDatabase.logger)
    }

    static func count(_ client: PostgresClient, _ sql: String) async throws -> Int {
        for try await count in try await client.query(PostgresQuery(unsafeSQL: sql), logger: TestDatabase.logger)
            .decode(Int.self)
        {
            return count
        }
        return -1
    }

    @Test func concurrentPublishesOnTwoNodesReachEveryNodeInOffsetOrder() async throws {
        try await TestDatabase.withClient(poolSize: 12) { client, schemas in
            let schema = try await schemas.make()
            let (a, b) = try await Node.startPair(
                client: client, schema: schema, history: HistoryLimits(maxMessagesPerEntity: 1_000))
            defer { Node.stop(a, b) }
            let entity = try EntityID(validating: "raced")
            let publishers = 8
            let perPublisher = 25
            let positions = try await withThrowingTaskGroup(of: [HistoryPosition].self) { group in
                for publisher in 0..<publishers {
                    let node = publisher.isMultiple(of: 2) ? a : b
                    group.addTask {
                        var positions: [HistoryPosition] = []
                        for sequence in 0..<perPublisher {
                            let report = try await node.broker.publish(
                                entityId: entity, message: Array("[\(publisher),\(sequence)]".utf8))
                            positions.append(try #require(report.position))
                        }
                        return positions
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let total = publishers * perPublisher
            #expect(positions.map(\.offset).sorted() == Array(1...total))
            #expect(Set(positions.map(\.epoch)).count == 1)
            var orders: [[[UInt8]]] = []
            for node in [a, b] {
                let received = try await node.deliveries.waitFor(total)
                #expect(received.compactMap { $0.position?.offset } == Array(1...total))
                #expect(received.allSatisfy { $0.position?.epoch == positions.first?.epoch })
                orders.append(received.map(\.message))
            }
            // Both nodes heard the same events in the same order, and history holds them as numbered.
            #expect(orders[0] == orders[1])
            let read = try await Self.store(client, schema, size: 1_000).read(
                entity, since: HistoryPosition(offset: 0, epoch: try #require(positions.first).epoch))
            #expect(read.recovered == true)
            #expect(read.entries.map(\.message) == orders[0])
        }
    }

    @Test(arguments: [7_800, 7_999, 8_000, 8_100, 100_000])
    func eventsOfEverySizeArriveWithTheirPosition(textTarget: Int) async throws {
        try await TestDatabase.withClient { client, schemas in
            let schema = try await schemas.make()
            let (a, b) = try await Node.startPair(
                client: client, schema: schema, history: HistoryLimits(maxMessagesPerEntity: 10))
            defer { Node.stop(a, b) }
            let entity = try EntityID(validating: "big")
            let event = UUID()
            // The text the database builds: the head, the position (offset 1, a 16-digit epoch) and
            // the message; sized either side of PostgreSQL's 8000-byte payload limit.
            let empty =
                ClusterMessage.head(id: event, reply: a.broker.replyChannel, entityId: entity)
                + #","offset":1,"epoch":"0123456789abcdef","message":}"#
            let padding = textTarget - empty.utf8.count - 2
            let text = String(repeating: "é", count: padding / 2) + String(repeating: "x", count: padding % 2)
            let message = Array("\"\(text)\"".utf8)

            let report = try await b.broker.publish(entityId: entity, message: message)

            #expect(report.delivered == 2)
            let position = try #require(report.position)
            #expect(position.offset == 1)
            for node in [a, b] {
                let received = try #require(try await node.deliveries.waitFor(1).first)
                #expect(received.message == message)
                #expect(received.position == position)
            }
            let stored = try await Self.count(client, "SELECT count(*) FROM \(schema.eventBodies)")
            #expect(stored == (textTarget > ClusterMessage.maximumInlinePayload ? 1 : 0))
            let read = try await Self.store(client, schema).read(
                entity, since: HistoryPosition(offset: 0, epoch: position.epoch))
            #expect(read.entries == [HistoryEntry(offset: 1, message: message)])
        }
    }

    @Test func aPublishWhoseAppendFailsIsNotSent() async throws {
        try await TestDatabase.withClient { client, schemas in
            let schema = try await schemas.make()
            let a = try await Node.start(
                "a", recipients: 1, client: client, schema: schema, history: HistoryLimits(maxMessagesPerEntity: 10))
            defer { a.task.cancel() }
            // Not UTF-8: the database cannot make it a notification, so the whole transaction fails.
            await #expect(throws: (any Error).self) {
                try await a.broker.publish(entityId: try EntityID(validating: "e"), message: [0x22, 0xFF, 0x22])
            }
            let report = try await a.broker.publish(entityId: try EntityID(validating: "e"), message: Array("7".utf8))
            #expect(report.position?.offset == 1)
            #expect(try await a.deliveries.waitFor(1).map(\.message) == [Array("7".utf8)])
        }
    }

    @Test func aReadOfANewEntityFixesTheEpochItsFirstPublishGets() async throws {
        try await TestDatabase.withClient { client, schemas in
            let schema = try await schemas.make()
            let history = Self.store(client, schema)
            let entity = try EntityID(validating: "fresh")
            let before = try await history.read(entity, since: nil)
            #expect(before.position.offset == 0)
            #expect(!before.position.epoch.isEmpty)
            let appended = try await history.append(Array("1".utf8), to: entity)
            #expect(appended == HistoryPosition(offset: 1, epoch: before.position.epoch))
            let recovered = try await history.read(entity, since: before.position)
            #expect(recovered.recovered == true)
            #expect(recovered.entries == [HistoryEntry(offset: 1, message: Array("1".utf8))])
        }
    }

    @Test func anEpochWithANulFromAClientIsNotRecoveredAndIsNoError() async throws {
        try await TestDatabase.withClient { client, schemas in
            let schema = try await schemas.make()
            let history = Self.store(client, schema)
            let entity = try EntityID(validating: "e")
            let position = try await history.append(Array("1".utf8), to: entity)
            let read = try await history.read(
                entity, since: HistoryPosition(offset: 0, epoch: position.epoch + "\u{0}"))
            #expect(read == HistoryRead(position: position, recovered: false))
        }
    }

    @Test func entitiesAreToldApartByTheirExactBytesNulIncluded() async throws {
        try await TestDatabase.withClient { client, schemas in
            let schema = try await schemas.make()
            let history = Self.store(client, schema)
            let names = ["a\u{0}b", "a", "A", "e\u{301}", "\u{e9}"]
            for (index, name) in names.enumerated() {
                for _ in 0...index { _ = try await history.append(Array("0".utf8), to: try EntityID(validating: name)) }
            }
            for (index, name) in names.enumerated() {
                #expect(try await history.read(try EntityID(validating: name), since: nil).position.offset == index + 1)
            }
        }
    }

    @Test func expiredMessagesAreNotReplayedAndTheSweepDeletesThem() async throws {
        try await TestDatabase.withClient { client, schemas in
            let schema = try await schemas.make()
            let history = Self.store(client, schema, ttl: .milliseconds(300))
            let entity = try EntityID(validating: "short-lived")
            let first = try await history.append(Array("1".utf8), to: entity)
            try await Task.sleep(for: .milliseconds(500))
            _ = try await history.append(Array("2".utf8), to: entity)

            // Not swept yet, but older than the time to live: offset 1 can no longer be recovered.
            let since0 = try await history.read(entity, since: HistoryPosition(offset: 0, epoch: first.epoch))
            #expect(since0.recovered == false)
            #expect(since0.position == HistoryPosition(offset: 2, epoch: first.epoch))
            let since1 = try await history.read(entity, since: first)
            #expect(since1.recovered == true)
            #expect(since1.entries.map(\.offset) == [2])

            #expect(try await history.removeExpired() == 1)
            #expect(try await Self.count(client, "SELECT count(*) FROM \(schema.historyMessages)") == 1)
            // The numbering goes on in the same epoch.
            #expect(
                try await history.append(Array("3".utf8), to: entity) == HistoryPosition(offset: 3, epoch: first.epoch))
        }
    }

    @Test func aStreamIdleBeyondItsRetentionIsForgottenAndStartsANewEpoch() async throws {
        try await TestDatabase.withClient { client, schemas in
            let schema = try await schemas.make()
            let history = Self.store(client, schema, ttl: .milliseconds(200), streamRetention: .milliseconds(200))
            let entity = try EntityID(validating: "idle")
            let old = try await history.append(Array("1".utf8), to: entity)
            try await Task.sleep(for: .milliseconds(400))

            #expect(try await history.removeExpired() == 1)
            #expect(try await Self.count(client, "SELECT count(*) FROM \(schema.historyStreams)") == 0)
            let new = try await history.append(Array("2".utf8), to: entity)
            #expect(new.offset == 1)
            #expect(new.epoch != old.epoch)
            let stale = try await history.read(entity, since: old)
            #expect(stale.recovered == false)
            #expect(stale.entries.isEmpty)
        }
    }

    @Test func trimmingKeepsTheNewestAndRefusesToRecoverWhatWasTrimmed() async throws {
        try await TestDatabase.withClient { client, schemas in
            let schema = try await schemas.make()
            let history = Self.store(client, schema, size: 3)
            let entity = try EntityID(validating: "trimmed")
            var last = HistoryPosition(offset: 0, epoch: "")
            for value in 1...5 { last = try await history.append(Array("\(value)".utf8), to: entity) }
            #expect(try await Self.count(client, "SELECT count(*) FROM \(schema.historyMessages)") == 3)
            let epoch = last.epoch
            #expect(try await history.read(entity, since: HistoryPosition(offset: 1, epoch: epoch)).recovered == false)
            let kept = try await history.read(entity, since: HistoryPosition(offset: 2, epoch: epoch))
            #expect(kept.recovered == true)
            #expect(kept.entries.map(\.message) == ["3", "4", "5"].map { Array($0.utf8) })
            #expect(try await history.read(entity, since: HistoryPosition(offset: 6, epoch: epoch)).recovered == false)
            #expect(
                try await history.read(entity, since: HistoryPosition(offset: 5, epoch: "other")).recovered == false)
            let current = try await history.read(entity, since: last)
            #expect(current.recovered == true && current.entries.isEmpty)
        }
    }
}
