public import Foundation
public import WebSocketPubSub

/// The article's connection items in a ``PubSubTable``: a ``ConnectionStore`` over DynamoDB.
///
/// Every read is strongly consistent. `insert` writes the item's connection attributes with one
/// `UpdateItem` (so the `subscriptionCount` the subscription store keeps on the same item survives a
/// re-insert); `remove` takes them off with one conditional `UpdateItem` returning the old item, then
/// deletes the item unless subscriptions still count on it. The idle listing and `count()` scan the
/// table (page by page): they serve the stale-row sweep and statistics, not the request path.
public struct DynamoDBConnectionStore: ConnectionStore {
    /// The table.
    public let table: PubSubTable

    /// A store over `table`.
    public init(table: PubSubTable) {
        self.table = table
    }

    private static let names: [String: DynamoJSON] = [
        "#pk": .string(PubSubTable.partitionKey), "#sk": .string(PubSubTable.sortKey),
        "#connectedAt": .string("connectedAt"), "#lastActiveAt": .string("lastActiveAt"),
        "#remoteAddress": .string("remoteAddress"), "#ipAddress": .string("ipAddress"),
        "#subprotocol": .string("subprotocol"), "#attributes": .string("attributes"),
        "#count": .string("subscriptionCount"),
    ]

    private func names(_ used: String...) -> DynamoJSON {
        .object(Self.names.filter { used.contains($0.key) })
    }

    public func insert(_ connection: Connection) async throws {
        var set = ["#connectedAt = :connectedAt", "#lastActiveAt = :lastActiveAt", "#attributes = :attributes"]
        var remove: [String] = []
        var values: [String: DynamoJSON] = [
            ":connectedAt": .n(connection.connectedAt.timeIntervalSince1970),
            ":lastActiveAt": .n(connection.lastActiveAt.timeIntervalSince1970),
            ":attributes": .s(Self.encode(connection.attributes)),
        ]
        if let address = connection.remoteAddress {
            set += ["#remoteAddress = :remoteAddress", "#ipAddress = :ipAddress"]
            values[":remoteAddress"] = .s(address)
            values[":ipAddress"] = .s(Self.ipAddress(of: address))
        } else {
            remove += ["#remoteAddress", "#ipAddress"]
        }
        if let subprotocol = connection.subprotocol {
            set.append("#subprotocol = :subprotocol")
            values[":subprotocol"] = .s(subprotocol)
        } else {
            remove.append("#subprotocol")
        }
        let expression =
            "SET " + set.joined(separator: ", ") + (remove.isEmpty ? "" : " REMOVE " + remove.joined(separator: ", "))
        _ = try await table.client.call(
            "UpdateItem",
            [
                "TableName": .string(table.name), "Key": PubSubTable.key(connection.id, PubSubTable.connectionSortKey),
                "UpdateExpression": .string(expression),
                "ExpressionAttributeNames": names(
                    "#connectedAt", "#lastActiveAt", "#attributes", "#remoteAddress", "#ipAddress", "#subprotocol"),
                "ExpressionAttributeValues": .object(values),
            ])
    }

    public func connection(_ id: ConnectionID) async throws -> Connection? {
        let answer = try await table.client.call(
            "GetItem",
            [
                "TableName": .string(table.name), "Key": PubSubTable.key(id, PubSubTable.connectionSortKey),
                "ConsistentRead": .bool(true),
            ])
        guard let item = answer["Item"] else { return nil }
        return try Self.connection(id, from: item)
    }

    @discardableResult
    public func remove(_ id: ConnectionID) async throws -> Connection? {
        let key = PubSubTable.key(id, PubSubTable.connectionSortKey)
        let old: DynamoJSON
        do {
            old = try await table.client.call(
                "UpdateItem",
                [
                    "TableName": .string(table.name), "Key": key,
                    "UpdateExpression": .string(
                        "REMOVE #connectedAt, #lastActiveAt, #attributes, #remoteAddress, #ipAddress, #subprotocol"),
                    "ConditionExpression": .string("attribute_exists(#connectedAt)"),
                    "ExpressionAttributeNames": names(
                        "#connectedAt", "#lastActiveAt", "#attributes", "#remoteAddress", "#ipAddress", "#subprotocol"),
                    "ReturnValues": .string("ALL_OLD"),
                ])
        } catch  where error.isConditionalCheckFailed {
            return nil
        }
        try await PubSubTable.deleteCountOnlyItem(table, id)
        guard let attributes = old["Attributes"] else { return nil }
        return try Self.connection(id, from: attributes)
    }

    public func touch(_ id: ConnectionID, at date: Date) async throws {
        do {
            _ = try await table.client.call(
                "UpdateItem",
                [
                    "TableName": .string(table.name), "Key": PubSubTable.key(id, PubSubTable.connectionSortKey),
                    "UpdateExpression": .string("SET #lastActiveAt = :lastActiveAt"),
                    "ConditionExpression": .string("attribute_exists(#connectedAt)"),
                    "ExpressionAttributeNames": names("#lastActiveAt", "#connectedAt"),
                    "ExpressionAttributeValues": .object([":lastActiveAt": .n(date.timeIntervalSince1970)]),
                ])
        } catch  where error.isConditionalCheckFailed {
            // Unknown id: nothing to touch.
        }
    }

    public func idleConnections(lastActiveBefore cutoff: Date, limit: Int) async throws -> [ConnectionID] {
        guard limit > 0 else { return [] }
        var ids: [ConnectionID] = []
        try await table.pages(
            "Scan",
            [
                "FilterExpression": .string("#sk = :connection AND #lastActiveAt < :cutoff"),
                "ProjectionExpression": .string("#pk"),
                "ExpressionAttributeNames": names("#sk", "#lastActiveAt", "#pk"),
                "ExpressionAttributeValues": .object([
                    ":connection": .s(PubSubTable.connectionSortKey), ":cutoff": .n(cutoff.timeIntervalSince1970),
                ]),
                "ConsistentRead": .bool(true),
            ]
        ) { items in
            for item in items {
                guard ids.count < limit else { return false }
                if let text = item[PubSubTable.partitionKey]?.stringValue { ids.append(ConnectionID(text)) }
            }
            return ids.count < limit
        }
        return ids
    }

    public func count() async throws -> Int {
        try await table.count(
            filter: "#sk = :connection AND attribute_exists(#connectedAt)",
            names: Self.names.filter { ["#sk", "#connectedAt"].contains($0.key) },
            values: [":connection": .s(PubSubTable.connectionSortKey)])
    }

    // MARK: - Items

    /// The address without its port: `203.0.113.7:50312` → `203.0.113.7`, `[::1]:80` → `::1`.
    static func ipAddress(of address: String) -> String {
        if address.hasPrefix("["), let end = address.firstIndex(of: "]") {
            return String(address[address.index(after: address.startIndex)..<end])
        }
        let colons = address.filter { $0 == ":" }.count
        if colons == 1, let colon = address.firstIndex(of: ":") { return String(address[..<colon]) }
        return address
    }

    static func encode(_ attributes: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? String(decoding: encoder.encode(attributes), as: UTF8.self)) ?? "{}"
    }

    static func connection(_ id: ConnectionID, from item: DynamoJSON) throws -> Connection? {
        guard let connectedAt = item["connectedAt"]?.numberValue else { return nil }
        let lastActiveAt = item["lastActiveAt"]?.numberValue ?? connectedAt
        var attributes: [String: String] = [:]
        if let text = item["attributes"]?.stringValue {
            attributes = try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
        }
        return Connection(
            id: id, remoteAddress: item["remoteAddress"]?.stringValue,
            connectedAt: Date(timeIntervalSince1970: connectedAt),
            lastActiveAt: Date(timeIntervalSince1970: lastActiveAt),
            subprotocol: item["subprotocol"]?.stringValue, attributes: attributes)
    }
}

extension PubSubTable {
    /// Deletes a connection's item when it holds neither a connection record nor a subscription count.
    static func deleteCountOnlyItem(_ table: PubSubTable, _ id: ConnectionID) async throws(DynamoDBError) {
        do {
            _ = try await table.client.call(
                "DeleteItem",
                [
                    "TableName": .string(table.name), "Key": key(id, connectionSortKey),
                    "ConditionExpression": .string(
                        "attribute_not_exists(#connectedAt) AND (attribute_not_exists(#count) OR #count <= :zero)"),
                    "ExpressionAttributeNames": .object([
                        "#connectedAt": .string("connectedAt"), "#count": .string("subscriptionCount"),
                    ]),
                    "ExpressionAttributeValues": .object([":zero": .n(0)]),
                ])
        } catch  where error.isConditionalCheckFailed {
            // A connection or subscriptions still live on it.
        }
    }
}
