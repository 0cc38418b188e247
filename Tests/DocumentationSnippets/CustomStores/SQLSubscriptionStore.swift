import Foundation
import WebSocketPubSub

/// What the store below needs from a SQL driver; adapt your driver to it.
protocol SQLClient: Sendable {
    /// Runs `sql` with `$1`, `$2`, … bound to `bindings`; returns the rows (each a list of column
    /// values as text, `nil` for NULL) and the number of rows the statement changed.
    func query(_ sql: String, _ bindings: [String]) async throws -> (rows: [[String?]], changed: Int)
    /// Runs `body` in one transaction: commits if it returns, rolls back if it throws.
    func transaction<T: Sendable>(_ body: @Sendable (any SQLClient) async throws -> T) async throws -> T
}

struct SQLSubscriptionStore: SubscriptionStore {
    let db: any SQLClient

    func subscribe(_ connection: ConnectionID, to entity: EntityID, limit: Int) async throws -> SubscribeOutcome {
        try await db.transaction { tx in
            // Serializes the subscribes of one connection, whether or not it has a row anywhere.
            _ = try await tx.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [connection.rawValue])
            let row = try await tx.query(
                """
                SELECT count(*), count(*) FILTER (WHERE entity_id = $2)
                FROM ws_subscription WHERE connection_id = $1
                """,
                [connection.rawValue, entity.rawValue]
            ).rows.first
            let held = Int(row?[0] ?? "0") ?? 0
            let present = Int(row?[1] ?? "0") ?? 0
            if present > 0 { return .alreadySubscribed }  // before the limit: idempotent even at the limit
            if held >= limit { return .limitReached(limit: limit) }
            _ = try await tx.query(
                "INSERT INTO ws_subscription (connection_id, entity_id) VALUES ($1, $2)",
                [connection.rawValue, entity.rawValue])
            return .subscribed
        }
    }

    func unsubscribe(_ connection: ConnectionID, from entity: EntityID) async throws -> Bool {
        try await db.query(
            "DELETE FROM ws_subscription WHERE connection_id = $1 AND entity_id = $2",
            [connection.rawValue, entity.rawValue]
        ).changed > 0
    }

    func removeAll(for connection: ConnectionID) async throws -> Int {
        try await db.query("DELETE FROM ws_subscription WHERE connection_id = $1", [connection.rawValue]).changed
    }

    func subscribers(of entity: EntityID) async throws -> [ConnectionID] {
        try await db.query("SELECT connection_id FROM ws_subscription WHERE entity_id = $1", [entity.rawValue])
            .rows.compactMap { $0[0].map(ConnectionID.init) }
    }

    func subscriptions(of connection: ConnectionID) async throws -> [EntityID] {
        try await db.query("SELECT entity_id FROM ws_subscription WHERE connection_id = $1", [connection.rawValue])
            .rows.compactMap { $0[0] }.map { try EntityID(validating: $0) }
    }

    func count() async throws -> Int {
        Int(try await db.query("SELECT count(*) FROM ws_subscription", []).rows.first?[0] ?? "0") ?? 0
    }
}
