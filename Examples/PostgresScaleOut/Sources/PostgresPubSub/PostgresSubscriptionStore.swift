import Logging
public import PostgresNIO
public import WebSocketPubSub

/// A ``SubscriptionStore`` in PostgreSQL: one row per (connection, entity) pair, indexed both ways.
///
/// ``subscribe(_:to:limit:)`` is one call of a PL/pgSQL function that takes a transaction-scoped
/// advisory lock on the connection, checks and inserts: concurrent subscribes of one connection,
/// from any node, never exceed the limit. Every operation is one round trip.
public struct PostgresSubscriptionStore: SubscriptionStore {
    private let client: PostgresClient
    private let schema: PostgresSchema
    private let logger: Logger

    /// A store over `client`'s database. The schema must exist, and `client` must be running.
    public init(client: PostgresClient, schema: PostgresSchema = .default, logger: Logger) {
        self.client = client
        self.schema = schema
        self.logger = logger
    }

    public func subscribe(_ connection: ConnectionID, to entity: EntityID, limit: Int) async throws -> SubscribeOutcome
    {
        let connectionKey = try PostgresConnectionStore.text(connection.rawValue, "connection id")
        let entityKey = try PostgresConnectionStore.text(entity.rawValue, "entityId")
        let rows = try await client.query(
            "SELECT \(unescaped: schema.subscribeFunction)(\(connectionKey), \(entityKey), \(Int64(clamping: limit)))",
            logger: logger
        )
        for try await code in rows.decode(Int32.self) {
            switch code {
            case 0: return .subscribed
            case 1: return .alreadySubscribed
            default: return .limitReached(limit: limit)
            }
        }
        return .limitReached(limit: limit)
    }

    @discardableResult
    public func unsubscribe(_ connection: ConnectionID, from entity: EntityID) async throws -> Bool {
        guard let connectionKey = PostgresConnectionStore.key(connection), !entity.rawValue.utf8.contains(0) else {
            return false
        }
        return try await countRows(
            """
            WITH removed AS (
                DELETE FROM \(unescaped: schema.subscriptions)
                WHERE connection_id = \(connectionKey) AND entity_id = \(entity.rawValue) RETURNING 1
            ) SELECT count(*) FROM removed
            """
        ) > 0
    }

    @discardableResult
    public func removeAll(for connection: ConnectionID) async throws -> Int {
        guard let connectionKey = PostgresConnectionStore.key(connection) else { return 0 }
        return try await countRows(
            """
            WITH removed AS (
                DELETE FROM \(unescaped: schema.subscriptions) WHERE connection_id = \(connectionKey) RETURNING 1
            ) SELECT count(*) FROM removed
            """
        )
    }

    public func subscribers(of entity: EntityID) async throws -> [ConnectionID] {
        guard !entity.rawValue.utf8.contains(0) else { return [] }
        let rows = try await client.query(
            "SELECT connection_id FROM \(unescaped: schema.subscriptions) WHERE entity_id = \(entity.rawValue)",
            logger: logger
        )
        var ids: [ConnectionID] = []
        for try await id in rows.decode(String.self) { ids.append(ConnectionID(id)) }
        return ids
    }

    public func subscriptions(of connection: ConnectionID) async throws -> [EntityID] {
        guard let connectionKey = PostgresConnectionStore.key(connection) else { return [] }
        let rows = try await client.query(
            "SELECT entity_id FROM \(unescaped: schema.subscriptions) WHERE connection_id = \(connectionKey)",
            logger: logger
        )
        var entities: [EntityID] = []
        for try await text in rows.decode(String.self) {
            // Only valid ids are ever inserted; a row edited by hand into an invalid one is skipped.
            if let entity = try? EntityID(validating: text) { entities.append(entity) }
        }
        return entities
    }

    public func count() async throws -> Int {
        try await countRows("SELECT count(*) FROM \(unescaped: schema.subscriptions)")
    }

    private func countRows(_ query: PostgresQuery) async throws -> Int {
        let rows = try await client.query(query, logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }
}
