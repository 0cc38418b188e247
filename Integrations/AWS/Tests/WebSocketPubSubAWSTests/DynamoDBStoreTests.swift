import Foundation
import Testing
import WebSocketPubSub
import WebSocketPubSubAWS
import WebSocketPubSubTesting

/// The DynamoDB stores against a DynamoDB-compatible server (moto's, in CI): the whole conformance
/// kit, one test per check, then the article's item layout.
@Suite(.enabled(if: TestDynamoDB.shouldRun), .timeLimit(.minutes(5)))
struct DynamoDBStoreTests {
    /// Small pages, so that every listing and count crosses page boundaries.
    static let options = StoreConformanceOptions(population: 60, concurrency: 12, randomOperations: 300)

    @Test(arguments: StoreConformance.checkNames)
    func storesConform(check: String) async throws {
        try await StoreConformance(options: Self.options) {
            let table = try await TestDynamoDB.freshTable(pageSize: 7)
            return (DynamoDBConnectionStore(table: table), DynamoDBSubscriptionStore(table: table))
        }.validate(only: [check])
    }

    @Test func itemsFollowTheArticlesSingleTableLayout() async throws {
        let table = try await TestDynamoDB.freshTable()
        let connections = DynamoDBConnectionStore(table: table)
        let subscriptions = DynamoDBSubscriptionStore(table: table)
        let id = ConnectionID("L0SM9cOFvHcCIhw=")
        try await connections.insert(
            Connection(
                id: id, remoteAddress: "127.0.0.1:50312", connectedAt: Date(timeIntervalSince1970: 1_700_000_000)))
        #expect(
            try await subscriptions.subscribe(id, to: EntityID(validating: "myTestEntityId"), limit: 8) == .subscribed)

        let scan = try await table.client.call("Scan", ["TableName": .string(table.name)])
        let items = scan["Items"]?.arrayValue ?? []
        #expect(items.count == 2)
        let connection = try #require(items.first { $0["sk"]?.stringValue == "connection" })
        #expect(connection["connectionId"]?.stringValue == id.rawValue)
        #expect(connection["ipAddress"]?.stringValue == "127.0.0.1")
        #expect(connection["connectedAt"]?.numberValue == 1_700_000_000)
        let subscription = try #require(items.first { $0["sk"]?.stringValue == "subscription#myTestEntityId" })
        #expect(subscription["connectionId"]?.stringValue == id.rawValue)
        #expect(subscription["entityId"]?.stringValue == "myTestEntityId")

        // Gone: both items leave the table, the count with them.
        try await connections.remove(id)
        #expect(try await subscriptions.removeAll(for: id) == 1)
        let after = try await table.client.call("Scan", ["TableName": .string(table.name)])
        #expect(after["Items"]?.arrayValue.isEmpty == true)
    }

    @Test func anEntityIDTooLongForASortKeyIsKeptWhole() async throws {
        let table = try await TestDynamoDB.freshTable()
        let subscriptions = DynamoDBSubscriptionStore(table: table)
        let long = try EntityID(validating: String(repeating: "e", count: EntityID.maximumUTF8Length))
        let id = ConnectionID("c")
        #expect(try await subscriptions.subscribe(id, to: long, limit: 8) == .subscribed)
        #expect(try await subscriptions.subscribe(id, to: long, limit: 8) == .alreadySubscribed)
        #expect(try await subscriptions.subscriptions(of: id) == [long])
        #expect(try await subscriptions.subscribers(of: long) == [id])
        #expect(PubSubTable.subscriptionSortKey(long).utf8.count <= 1024)
    }

    @Test func creatingAnExistingTableIsNoError() async throws {
        let table = try await TestDynamoDB.freshTable()
        try await table.createIfMissing()
    }
}
