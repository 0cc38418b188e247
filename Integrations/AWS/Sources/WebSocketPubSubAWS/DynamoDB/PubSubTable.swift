import Crypto
public import WebSocketPubSub

/// The article's single table: one item per connection and one per subscription.
///
/// | item         | `connectionId` (partition key) | `sk` (sort key)            | other attributes |
/// |--------------|--------------------------------|----------------------------|------------------|
/// | connection   | the connection id              | `connection`               | `connectedAt`, `lastActiveAt`, `ipAddress`, `remoteAddress`, `subprotocol`, `attributes`, `subscriptionCount` |
/// | subscription | the connection id              | `subscription#<entityId>`  | `entityId`       |
///
/// The global secondary index ``entityIndexName`` (partition key `entityId`, sort key
/// `connectionId`, keys only) serves the fan-out. `subscriptionCount` on the connection item makes
/// the per-connection limit one atomic transaction; when a subscription store is used without
/// connection records, that item holds the count alone and ``DynamoDBConnectionStore`` does not
/// count it as a connection.
///
/// DynamoDB limits a sort key to 1,024 bytes: an entity id longer than 1,011 bytes gets the sort key
/// `subscription~<SHA-256 of the id, hex>` instead (no `subscription#` key can equal it), and its
/// item keeps the id itself in `entityId`.
public struct PubSubTable: Sendable {
    /// The table's name.
    public let name: String
    /// The client it is reached through.
    public let client: DynamoDBClient
    /// Items per page of a query or scan (DynamoDB's `Limit`); `nil` lets DynamoDB page at 1 MB.
    public let pageSize: Int?

    /// The partition key's attribute.
    public static let partitionKey = "connectionId"
    /// The sort key's attribute.
    public static let sortKey = "sk"
    /// The sort key of a connection item.
    public static let connectionSortKey = "connection"
    /// What every subscription item's sort key starts with.
    public static let subscriptionPrefix = "subscription"
    /// The index on `entityId`.
    public static let entityIndexName = "entityId-index"

    /// A table reached through `client`.
    public init(name: String, client: DynamoDBClient, pageSize: Int? = nil) {
        self.name = name
        self.client = client
        self.pageSize = pageSize.map { max(1, $0) }
    }

    /// The sort key of `entity`'s subscription item.
    public static func subscriptionSortKey(_ entity: EntityID) -> String {
        let key = "subscription#" + entity.rawValue
        guard key.utf8.count > 1024 else { return key }
        return "subscription~"
            + SHA256.hash(data: Array(entity.rawValue.utf8)).map { byte in
                let digits = Array("0123456789abcdef")
                return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
            }.joined()
    }

    /// The key of an item.
    static func key(_ connection: ConnectionID, _ sortKey: String) -> DynamoJSON {
        .object([partitionKey: .s(connection.rawValue), Self.sortKey: .s(sortKey)])
    }

    /// Creates the table and its index (on-demand capacity) unless a table of that name exists, then
    /// waits until it is active.
    public func createIfMissing() async throws(DynamoDBError) {
        let input: [String: DynamoJSON] = [
            "TableName": .string(name),
            "BillingMode": .string("PAY_PER_REQUEST"),
            "AttributeDefinitions": .array([
                .object(["AttributeName": .string(Self.partitionKey), "AttributeType": .string("S")]),
                .object(["AttributeName": .string(Self.sortKey), "AttributeType": .string("S")]),
                .object(["AttributeName": .string("entityId"), "AttributeType": .string("S")]),
            ]),
            "KeySchema": .array([
                .object(["AttributeName": .string(Self.partitionKey), "KeyType": .string("HASH")]),
                .object(["AttributeName": .string(Self.sortKey), "KeyType": .string("RANGE")]),
            ]),
            "GlobalSecondaryIndexes": .array([
                .object([
                    "IndexName": .string(Self.entityIndexName),
                    "KeySchema": .array([
                        .object(["AttributeName": .string("entityId"), "KeyType": .string("HASH")]),
                        .object(["AttributeName": .string(Self.partitionKey), "KeyType": .string("RANGE")]),
                    ]),
                    "Projection": .object(["ProjectionType": .string("KEYS_ONLY")]),
                ])
            ]),
        ]
        do {
            _ = try await client.call("CreateTable", input)
        } catch  where error.type == "ResourceInUseException" {
            // It exists already.
        }
        for _ in 0..<120 {
            let description = try await client.call("DescribeTable", ["TableName": .string(name)])
            if description["Table"]?["TableStatus"]?.stringValue == "ACTIVE" { return }
            try? await Task.sleep(for: .milliseconds(500))
        }
        throw DynamoDBError(type: "TableNotActive", message: "\(name) did not become active in 60 s", status: 0)
    }

    /// Runs a query or scan page by page, handing each page's items to `body` until it returns `false`
    /// or the pages end.
    func pages(
        _ operation: String, _ input: [String: DynamoJSON], _ body: ([DynamoJSON]) -> Bool
    ) async throws(DynamoDBError) {
        var input = input
        input["TableName"] = .string(name)
        if let pageSize { input["Limit"] = .number(Double(pageSize)) }
        while true {
            let page = try await client.call(operation, input)
            guard body(page["Items"]?.arrayValue ?? []) else { return }
            guard let last = page["LastEvaluatedKey"], last != .null else { return }
            input["ExclusiveStartKey"] = last
        }
    }

    /// Counts the items a scan with `filter` matches, page by page.
    func count(filter: String, names: [String: DynamoJSON], values: [String: DynamoJSON]) async throws(DynamoDBError)
        -> Int
    {
        var input: [String: DynamoJSON] = [
            "TableName": .string(name), "Select": .string("COUNT"), "FilterExpression": .string(filter),
            "ExpressionAttributeNames": .object(names), "ConsistentRead": .bool(true),
        ]
        if !values.isEmpty { input["ExpressionAttributeValues"] = .object(values) }
        if let pageSize { input["Limit"] = .number(Double(pageSize)) }
        var total = 0
        while true {
            let page = try await client.call("Scan", input)
            total += Int(page["Count"]?.numberValue ?? 0)
            guard let last = page["LastEvaluatedKey"], last != .null else { return total }
            input["ExclusiveStartKey"] = last
        }
    }
}
