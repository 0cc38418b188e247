import Foundation
public import WebSocketPubSub

/// The article's subscription items in a ``PubSubTable``: a ``SubscriptionStore`` over DynamoDB.
///
/// `subscribe` is one `TransactWriteItems`: put the subscription item if absent, and add one to the
/// connection item's `subscriptionCount` if it is below the limit. Either both happen or neither, so
/// concurrent subscribes of one connection never pass the limit; a transaction that conflicts with
/// another is tried again (at most ``maxTransactionAttempts`` times). `unsubscribe` deletes and counts
/// down in one transaction the same way.
///
/// Fan-out (``subscribers(of:)``) queries the `entityId` index page by page. That index is eventually
/// consistent on AWS (it usually lags by a fraction of a second), so a publish right after a
/// subscribe may miss the new subscriber there; every other read here is strongly consistent.
public struct DynamoDBSubscriptionStore: SubscriptionStore {
    /// The table.
    public let table: PubSubTable
    /// Tries of one transaction that DynamoDB cancels for a conflict with another.
    public let maxTransactionAttempts: Int

    /// A store over `table`.
    public init(table: PubSubTable, maxTransactionAttempts: Int = 8) {
        self.table = table
        self.maxTransactionAttempts = max(1, maxTransactionAttempts)
    }

    private static let names: DynamoJSON = .object([
        "#pk": .string(PubSubTable.partitionKey), "#sk": .string(PubSubTable.sortKey),
        "#count": .string("subscriptionCount"), "#entityId": .string("entityId"),
    ])

    public func subscribe(_ connection: ConnectionID, to entity: EntityID, limit: Int) async throws -> SubscribeOutcome
    {
        let key = PubSubTable.subscriptionSortKey(entity)
        guard limit > 0 else {
            return try await exists(connection, key) ? .alreadySubscribed : .limitReached(limit: limit)
        }
        let items: [DynamoJSON] = [
            .object([
                "Put": .object([
                    "TableName": .string(table.name),
                    "Item": .object([
                        PubSubTable.partitionKey: .s(connection.rawValue), PubSubTable.sortKey: .s(key),
                        "entityId": .s(entity.rawValue),
                    ]),
                    "ConditionExpression": .string("attribute_not_exists(#pk)"),
                    "ExpressionAttributeNames": .object(["#pk": .string(PubSubTable.partitionKey)]),
                ])
            ]),
            .object([
                "Update": .object([
                    "TableName": .string(table.name),
                    "Key": PubSubTable.key(connection, PubSubTable.connectionSortKey),
                    "UpdateExpression": .string("ADD #count :one"),
                    "ConditionExpression": .string("attribute_not_exists(#count) OR #count < :limit"),
                    "ExpressionAttributeNames": .object(["#count": .string("subscriptionCount")]),
                    "ExpressionAttributeValues": .object([":one": .n(1), ":limit": .n(Double(limit))]),
                ])
            ]),
        ]
        switch try await transact(items) {
        case .done: return .subscribed
        case .conditionFailed(let reasons):
            if reasons.first == "ConditionalCheckFailed" { return .alreadySubscribed }
            if reasons.count > 1 { return .limitReached(limit: limit) }
            // No reasons given: ask the item itself.
            return try await exists(connection, key) ? .alreadySubscribed : .limitReached(limit: limit)
        }
    }

    @discardableResult
    public func unsubscribe(_ connection: ConnectionID, from entity: EntityID) async throws -> Bool {
        try await remove(connection, sortKey: PubSubTable.subscriptionSortKey(entity))
    }

    @discardableResult
    public func removeAll(for connection: ConnectionID) async throws -> Int {
        var keys: [String] = []
        try await table.pages(
            "Query",
            [
                "KeyConditionExpression": .string("#pk = :pk AND begins_with(#sk, :prefix)"),
                "ProjectionExpression": .string("#sk"),
                "ExpressionAttributeNames": .object([
                    "#pk": .string(PubSubTable.partitionKey), "#sk": .string(PubSubTable.sortKey),
                ]),
                "ExpressionAttributeValues": .object([
                    ":pk": .s(connection.rawValue), ":prefix": .s(PubSubTable.subscriptionPrefix),
                ]),
                "ConsistentRead": .bool(true),
            ]
        ) { items in
            keys += items.compactMap { $0[PubSubTable.sortKey]?.stringValue }
            return true
        }
        var removed = 0
        for key in keys where try await remove(connection, sortKey: key) {
            removed += 1
        }
        return removed
    }

    public func subscribers(of entity: EntityID) async throws -> [ConnectionID] {
        var ids: [ConnectionID] = []
        try await table.pages(
            "Query",
            [
                "IndexName": .string(PubSubTable.entityIndexName),
                "KeyConditionExpression": .string("#entityId = :entity"),
                "ExpressionAttributeNames": .object(["#entityId": .string("entityId")]),
                "ExpressionAttributeValues": .object([":entity": .s(entity.rawValue)]),
            ]
        ) { items in
            ids += items.compactMap { $0[PubSubTable.partitionKey]?.stringValue.map(ConnectionID.init) }
            return true
        }
        return ids
    }

    public func subscriptions(of connection: ConnectionID) async throws -> [EntityID] {
        var entities: [EntityID] = []
        var invalid: String?
        try await table.pages(
            "Query",
            [
                "KeyConditionExpression": .string("#pk = :pk AND begins_with(#sk, :prefix)"),
                "ProjectionExpression": .string("#entityId"),
                "ExpressionAttributeNames": .object([
                    "#pk": .string(PubSubTable.partitionKey), "#sk": .string(PubSubTable.sortKey),
                    "#entityId": .string("entityId"),
                ]),
                "ExpressionAttributeValues": .object([
                    ":pk": .s(connection.rawValue), ":prefix": .s(PubSubTable.subscriptionPrefix),
                ]),
                "ConsistentRead": .bool(true),
            ]
        ) { items in
            for item in items {
                guard let text = item["entityId"]?.stringValue, let entity = try? EntityID(validating: text) else {
                    invalid = item["entityId"]?.stringValue ?? "(none)"
                    return false
                }
                entities.append(entity)
            }
            return true
        }
        if let invalid {
            throw DynamoDBError(
                type: "InvalidItem", message: "a subscription item holds no valid entityId: \(invalid)", status: 0)
        }
        return entities
    }

    public func count() async throws -> Int {
        try await table.count(
            filter: "begins_with(#sk, :prefix)", names: ["#sk": .string(PubSubTable.sortKey)],
            values: [":prefix": .s(PubSubTable.subscriptionPrefix)])
    }

    // MARK: - Transactions

    private enum TransactionResult {
        case done
        /// A condition failed: the codes per item, empty when DynamoDB gave none.
        case conditionFailed([String])
    }

    private func transact(_ items: [DynamoJSON]) async throws(DynamoDBError) -> TransactionResult {
        var delay = Duration.milliseconds(20)
        var attempt = 1
        while true {
            let failure: DynamoDBError
            do {
                _ = try await table.client.call("TransactWriteItems", ["TransactItems": .array(items)])
                return .done
            } catch {
                failure = error
            }
            var retry = false
            if failure.type == "TransactionCanceledException" {
                let given = failure.cancellationReasons
                let reasons = given.isEmpty ? Self.reasons(in: failure.message) : given
                if reasons.contains("ConditionalCheckFailed") { return .conditionFailed(reasons) }
                retry = reasons.contains("TransactionConflict") || reasons.isEmpty
            } else {
                retry =
                    failure.type == "TransactionConflictException" || failure.type == "TransactionInProgressException"
            }
            guard retry, attempt < maxTransactionAttempts else { throw failure }
            attempt += 1
            try? await Task.sleep(for: delay)
            delay *= 2
        }
    }

    /// The codes in a cancellation message, `… [ConditionalCheckFailed, None]`.
    static func reasons(in message: String) -> [String] {
        guard let open = message.lastIndex(of: "["), let close = message.lastIndex(of: "]"), open < close else {
            return []
        }
        return message[message.index(after: open)..<close].split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
    }

    private func exists(_ connection: ConnectionID, _ sortKey: String) async throws -> Bool {
        let answer = try await table.client.call(
            "GetItem",
            [
                "TableName": .string(table.name), "Key": PubSubTable.key(connection, sortKey),
                "ConsistentRead": .bool(true), "ProjectionExpression": .string("#sk"),
                "ExpressionAttributeNames": .object(["#sk": .string(PubSubTable.sortKey)]),
            ])
        return answer["Item"] != nil
    }

    /// Deletes one subscription item and counts it off the connection item, in one transaction.
    private func remove(_ connection: ConnectionID, sortKey: String) async throws -> Bool {
        let items: [DynamoJSON] = [
            .object([
                "Delete": .object([
                    "TableName": .string(table.name), "Key": PubSubTable.key(connection, sortKey),
                    "ConditionExpression": .string("attribute_exists(#pk)"),
                    "ExpressionAttributeNames": .object(["#pk": .string(PubSubTable.partitionKey)]),
                ])
            ]),
            .object([
                "Update": .object([
                    "TableName": .string(table.name),
                    "Key": PubSubTable.key(connection, PubSubTable.connectionSortKey),
                    "UpdateExpression": .string("ADD #count :minusOne"),
                    "ConditionExpression": .string("attribute_exists(#count)"),
                    "ExpressionAttributeNames": .object(["#count": .string("subscriptionCount")]),
                    "ExpressionAttributeValues": .object([":minusOne": .n(-1)]),
                ])
            ]),
        ]
        switch try await transact(items) {
        case .done:
            try await PubSubTable.deleteCountOnlyItem(table, connection)
            return true
        case .conditionFailed(let reasons):
            if reasons.first == "ConditionalCheckFailed" { return false }
            if reasons.isEmpty, try await !exists(connection, sortKey) { return false }
            // The item exists but no count does (written by something else): delete it alone.
            let old = try await table.client.call(
                "DeleteItem",
                [
                    "TableName": .string(table.name), "Key": PubSubTable.key(connection, sortKey),
                    "ReturnValues": .string("ALL_OLD"),
                ])
            return old["Attributes"] != nil
        }
    }
}
