public import Foundation
import Logging
public import PostgresNIO
public import WebSocketPubSub

/// A ``ConnectionStore`` in PostgreSQL, shared by every node of a cluster.
///
/// Each row also records the ``NodeIdentity`` that inserted it, so that a node's rows can be
/// removed when it restarts or its lease expires (``NodeMembership``). Fan-out needs no such
/// filter: each node's `SessionHub` delivers to the connections it holds and reports the others as
/// held elsewhere.
///
/// Every operation is one statement, so one round trip. Dates are stored as `timestamptz`, which
/// keeps microseconds: a `Date` comes back rounded to the microsecond.
public struct PostgresConnectionStore: ConnectionStore {
    private let client: PostgresClient
    private let schema: PostgresSchema
    private let owner: NodeIdentity
    private let logger: Logger

    /// A store over `client`'s database; rows it inserts belong to `owner`.
    ///
    /// The schema must exist (``PostgresSchema/create(on:logger:)``), and `client` must be running.
    public init(client: PostgresClient, schema: PostgresSchema = .default, owner: NodeIdentity, logger: Logger) {
        self.client = client
        self.schema = schema
        self.owner = owner
        self.logger = logger
    }

    public func insert(_ connection: Connection) async throws {
        let id = try Self.text(connection.id.rawValue, "connection id")
        let attributes = String(decoding: try JSONEncoder().encode(connection.attributes), as: UTF8.self)
        try await client.query(
            """
            INSERT INTO \(unescaped: schema.connections)
                (connection_id, node_id, incarnation, remote_address, connected_at, last_active_at, subprotocol, attributes)
            VALUES (\(id), \(owner.nodeID), \(owner.incarnation), \(try Self.optionalText(connection.remoteAddress, "remote address")),
                \(connection.connectedAt), \(connection.lastActiveAt), \(try Self.optionalText(connection.subprotocol, "subprotocol")),
                \(attributes)::jsonb)
            ON CONFLICT (connection_id) DO UPDATE SET
                node_id = EXCLUDED.node_id, incarnation = EXCLUDED.incarnation,
                remote_address = EXCLUDED.remote_address, connected_at = EXCLUDED.connected_at,
                last_active_at = EXCLUDED.last_active_at, subprotocol = EXCLUDED.subprotocol,
                attributes = EXCLUDED.attributes
            """,
            logger: logger
        )
    }

    public func connection(_ id: ConnectionID) async throws -> Connection? {
        guard let key = Self.key(id) else { return nil }
        let rows = try await client.query(
            """
            SELECT connection_id, remote_address, connected_at, last_active_at, subprotocol, attributes::text
            FROM \(unescaped: schema.connections) WHERE connection_id = \(key)
            """,
            logger: logger
        )
        for try await row in rows.decode((String, String?, Date, Date, String?, String).self) {
            return try Self.connection(row)
        }
        return nil
    }

    @discardableResult
    public func remove(_ id: ConnectionID) async throws -> Connection? {
        guard let key = Self.key(id) else { return nil }
        let rows = try await client.query(
            """
            DELETE FROM \(unescaped: schema.connections) WHERE connection_id = \(key)
            RETURNING connection_id, remote_address, connected_at, last_active_at, subprotocol, attributes::text
            """,
            logger: logger
        )
        for try await row in rows.decode((String, String?, Date, Date, String?, String).self) {
            return try Self.connection(row)
        }
        return nil
    }

    public func touch(_ id: ConnectionID, at date: Date) async throws {
        guard let key = Self.key(id) else { return }
        try await client.query(
            "UPDATE \(unescaped: schema.connections) SET last_active_at = \(date) WHERE connection_id = \(key)",
            logger: logger
        )
    }

    public func idleConnections(lastActiveBefore cutoff: Date, limit: Int) async throws -> [ConnectionID] {
        guard limit > 0 else { return [] }
        let rows = try await client.query(
            """
            SELECT connection_id FROM \(unescaped: schema.connections)
            WHERE last_active_at < \(cutoff) LIMIT \(Int64(limit))
            """,
            logger: logger
        )
        var ids: [ConnectionID] = []
        for try await id in rows.decode(String.self) { ids.append(ConnectionID(id)) }
        return ids
    }

    public func count() async throws -> Int {
        let rows = try await client.query("SELECT count(*) FROM \(unescaped: schema.connections)", logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    private static func connection(_ row: (String, String?, Date, Date, String?, String)) throws -> Connection {
        let (id, remoteAddress, connectedAt, lastActiveAt, subprotocol, attributesJSON) = row
        guard let attributes = try? JSONDecoder().decode([String: String].self, from: Data(attributesJSON.utf8)) else {
            throw PostgresPubSubError.corruptAttributes(connection: id)
        }
        return Connection(
            id: ConnectionID(id),
            remoteAddress: remoteAddress,
            connectedAt: connectedAt,
            lastActiveAt: lastActiveAt,
            subprotocol: subprotocol,
            attributes: attributes
        )
    }

    /// The key to look `id` up by; `nil` for an id no row can hold (it contains NUL).
    static func key(_ id: ConnectionID) -> String? {
        id.rawValue.utf8.contains(0) ? nil : id.rawValue
    }

    /// `text` if PostgreSQL can store it, else a typed error naming the field.
    static func text(_ text: String, _ field: String) throws(PostgresPubSubError) -> String {
        guard !text.utf8.contains(0) else { throw .unrepresentableText(field) }
        return text
    }

    static func optionalText(_ text: String?, _ field: String) throws(PostgresPubSubError) -> String? {
        guard let text else { return nil }
        return try Self.text(text, field)
    }
}
