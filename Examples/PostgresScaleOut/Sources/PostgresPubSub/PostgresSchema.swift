public import Logging
public import PostgresNIO

/// The PostgreSQL schema that holds a cluster's tables, and the statements that create them.
///
/// Like the article's single DynamoDB table, the database holds connection rows and subscription
/// rows; here they are two tables, with subscriptions indexed both ways: by entity (fan-out) and by
/// connection (the primary key; disconnect clean-up and the per-connection limit).
///
/// Identifiers are `text COLLATE "C"`: compared and sorted by their bytes, as the store contract
/// requires. The history tables key entities by `bytea`, their exact UTF-8 bytes, NUL included. Creating the schema is idempotent and serialized by an advisory lock, so nodes that
/// start at once may all call ``create(on:logger:)``.
public struct PostgresSchema: Hashable, Sendable {
    /// The schema's name, a plain lower-case SQL identifier.
    public let name: String

    /// The schema every node of one cluster shares by default.
    public static let `default` = try! PostgresSchema(name: "public")

    /// The longest name accepted: notification channel names derive from it and PostgreSQL cuts
    /// identifiers at 63 bytes.
    public static let maximumNameLength = 30

    /// Checks that `name` is safe to splice into SQL unquoted: `[a-z_][a-z0-9_]*`, at most 30 bytes.
    public init(name: String) throws(PostgresPubSubError) {
        let bytes = Array(name.utf8)
        let valid =
            !bytes.isEmpty && bytes.count <= Self.maximumNameLength
            && bytes.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
            && !(bytes[0] >= 0x30 && bytes[0] <= 0x39)
        guard valid else { throw .invalidSchemaName(name) }
        self.name = name
    }

    var connections: String { "\(name).pubsub_connections" }
    var subscriptions: String { "\(name).pubsub_subscriptions" }
    var nodes: String { "\(name).pubsub_nodes" }
    var eventBodies: String { "\(name).pubsub_event_bodies" }
    var subscribeFunction: String { "\(name).pubsub_subscribe" }
    var publishFunction: String { "\(name).pubsub_publish" }
    var historyStreams: String { "\(name).pubsub_history_streams" }
    var historyMessages: String { "\(name).pubsub_history_messages" }
    var historyAppendFunction: String { "\(name).pubsub_history_append" }
    var publishWithHistoryFunction: String { "\(name).pubsub_publish_with_history" }

    /// The channel every node listens on for published events.
    var eventChannel: String { "\(name)_pubsub_events" }

    /// Creates the schema, its tables, indexes and functions if they do not exist.
    public func create(on client: PostgresClient, logger: Logger) async throws {
        let statements = self.statements
        try await client.withTransaction(logger: logger) { connection in
            // Two nodes starting at once would otherwise race on the catalog (`CREATE ... IF NOT
            // EXISTS` is not atomic against itself).
            try await connection.query("SELECT pg_advisory_xact_lock(7175386)", logger: logger)
            for statement in statements {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
        }
    }

    var statements: [String] {
        [
            "CREATE SCHEMA IF NOT EXISTS \(name)",
            """
            CREATE TABLE IF NOT EXISTS \(nodes) (
                node_id text COLLATE "C" PRIMARY KEY,
                incarnation uuid NOT NULL,
                started_at timestamptz NOT NULL DEFAULT now(),
                lease_expires_at timestamptz NOT NULL
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS \(connections) (
                connection_id text COLLATE "C" PRIMARY KEY,
                node_id text COLLATE "C",
                incarnation uuid,
                remote_address text,
                connected_at timestamptz NOT NULL,
                last_active_at timestamptz NOT NULL,
                subprotocol text,
                attributes jsonb NOT NULL DEFAULT '{}'
            )
            """,
            "CREATE INDEX IF NOT EXISTS pubsub_connections_node ON \(connections) (node_id, incarnation)",
            "CREATE INDEX IF NOT EXISTS pubsub_connections_idle ON \(connections) (last_active_at)",
            """
            CREATE TABLE IF NOT EXISTS \(subscriptions) (
                connection_id text COLLATE "C" NOT NULL,
                entity_id text COLLATE "C" NOT NULL,
                PRIMARY KEY (connection_id, entity_id)
            )
            """,
            "CREATE INDEX IF NOT EXISTS pubsub_subscriptions_entity ON \(subscriptions) (entity_id, connection_id)",
            """
            CREATE TABLE IF NOT EXISTS \(eventBodies) (
                event_id uuid PRIMARY KEY,
                body text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            // The check and the insert in one atomic step: a transaction-scoped advisory lock on the
            // connection serializes its concurrent subscribes, so they never exceed the limit.
            """
            CREATE OR REPLACE FUNCTION \(subscribeFunction)(p_connection text, p_entity text, p_limit bigint)
            RETURNS integer LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_advisory_xact_lock(hashtextextended(p_connection, 1867));
                PERFORM 1 FROM \(subscriptions) WHERE connection_id = p_connection AND entity_id = p_entity;
                IF FOUND THEN
                    RETURN 1;
                END IF;
                IF p_limit <= 0 OR (SELECT count(*) FROM \(subscriptions) WHERE connection_id = p_connection) >= p_limit THEN
                    RETURN 2;
                END IF;
                INSERT INTO \(subscriptions) (connection_id, entity_id) VALUES (p_connection, p_entity);
                RETURN 0;
            END
            $$
            """,
            // One round trip per publish: store a large body, notify, and name the nodes expected to
            // answer. The notification is sent at commit, after the body is visible.
            """
            CREATE OR REPLACE FUNCTION \(publishFunction)(p_channel text, p_payload text, p_event uuid, p_body text)
            RETURNS text[] LANGUAGE plpgsql AS $$
            BEGIN
                IF p_body IS NOT NULL THEN
                    INSERT INTO \(eventBodies) (event_id, body) VALUES (p_event, p_body);
                END IF;
                PERFORM pg_notify(p_channel, p_payload);
                RETURN ARRAY(SELECT node_id FROM \(nodes) WHERE lease_expires_at >= now() ORDER BY node_id);
            END
            $$
            """,
            // History (PostgresHistoryStore): one row per entity with its epoch and latest offset, and
            // the messages kept. `latest` only grows within an epoch; a stream row is deleted only
            // when its history is gone, and a new one draws a new epoch.
            """
            CREATE TABLE IF NOT EXISTS \(historyStreams) (
                entity_id bytea PRIMARY KEY,
                epoch text NOT NULL,
                latest bigint NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS \(historyMessages) (
                entity_id bytea NOT NULL,
                "offset" bigint NOT NULL,
                message bytea NOT NULL,
                appended_at timestamptz NOT NULL,
                PRIMARY KEY (entity_id, "offset")
            )
            """,
            "CREATE INDEX IF NOT EXISTS pubsub_history_messages_age ON \(historyMessages) (appended_at)",
            // The upsert takes the stream row's lock until commit, so concurrent appends to one
            // entity, from any node, are numbered one after the other with no gap, and commit in
            // offset order. The time is taken after the lock, so appended_at grows with the offset.
            """
            CREATE OR REPLACE FUNCTION \(historyAppendFunction)(
                p_entity bytea, p_message bytea, p_epoch text, p_keep bigint, OUT r_offset bigint, OUT r_epoch text)
            LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO \(historyStreams) AS s (entity_id, epoch, latest) VALUES (p_entity, p_epoch, 1)
                ON CONFLICT (entity_id) DO UPDATE SET latest = s.latest + 1, updated_at = clock_timestamp()
                RETURNING s.latest, s.epoch INTO r_offset, r_epoch;
                INSERT INTO \(historyMessages) (entity_id, "offset", message, appended_at)
                VALUES (p_entity, r_offset, p_message, clock_timestamp());
                DELETE FROM \(historyMessages) WHERE entity_id = p_entity AND "offset" <= r_offset - p_keep;
            END
            $$
            """,
            // A publish with history in one transaction: append, then notify with the position. The
            // notification is queued at commit, and the stream row's lock is held until then, so
            // every node hears an entity's events in offset order. `p_head` is the event's text up to
            // its entity id; a text of 8000 bytes or more is stored and `p_stored` sent instead.
            """
            CREATE OR REPLACE FUNCTION \(publishWithHistoryFunction)(
                p_channel text, p_entity bytea, p_message bytea, p_epoch text, p_keep bigint,
                p_event uuid, p_head text, p_stored text,
                OUT r_offset bigint, OUT r_epoch text, OUT r_nodes text[])
            LANGUAGE plpgsql AS $$
            DECLARE
                v_text text;
            BEGIN
                SELECT a.r_offset, a.r_epoch INTO r_offset, r_epoch
                FROM \(historyAppendFunction)(p_entity, p_message, p_epoch, p_keep) a;
                v_text := p_head || ',"offset":' || r_offset || ',"epoch":' || to_json(r_epoch)::text
                    || ',"message":' || convert_from(p_message, 'UTF8') || '}';
                IF octet_length(v_text) <= \(ClusterMessage.maximumInlinePayload) THEN
                    PERFORM pg_notify(p_channel, v_text);
                ELSE
                    INSERT INTO \(eventBodies) (event_id, body) VALUES (p_event, v_text);
                    PERFORM pg_notify(p_channel, p_stored);
                END IF;
                r_nodes := ARRAY(SELECT node_id FROM \(nodes) WHERE lease_expires_at >= now() ORDER BY node_id);
            END
            $$
            """,
        ]
    }
}
