import Logging
import NIOCore
public import PostgresNIO
public import WebSocketPubSub

/// A ``HistoryStore`` in PostgreSQL, shared by every node of a cluster: offsets and epochs are the
/// database's, so a client that reconnects to another node recovers by the same rules.
///
/// Two tables (``PostgresSchema``): a stream row per entity (its epoch and latest offset) and the
/// messages kept, keyed by entity and offset. Entities are keyed by their exact UTF-8 bytes.
///
/// - ``append(_:to:)`` is one call of a PL/pgSQL function, one transaction: it upserts the stream
///   row (`latest = latest + 1`), inserts the message and trims the entity to
///   ``HistoryLimits/maxMessagesPerEntity``. The upsert holds the stream row's lock until commit,
///   so concurrent appends to one entity from any node get consecutive offsets and commit in
///   offset order. A new stream row gets a fresh random epoch.
/// - ``read(_:since:)`` is one statement, so one snapshot: the position and the messages it
///   reports belong together. A message older than ``HistoryLimits/timeToLive`` (by the database's
///   clock) is not reported as kept, whether or not ``removeExpired()`` has deleted it yet. Reading
///   an entity never seen creates its stream row, so that the epoch a subscriber is told stays
///   the entity's epoch when its first message is published.
/// - ``removeExpired()`` deletes the expired messages and the stream rows left with no message
///   that were neither appended to nor created for ``streamRetention``: their entities start a new
///   epoch if seen again, so a client still holding the old one is told `recovered: false`. Call
///   it periodically (`pubsub-node` does every quarter of the time to live, between 1 and 60 s).
///
/// The caps ``HistoryLimits/maxRetainedBytes`` and ``HistoryLimits/maxEntities`` are not enforced
/// here: the database holds at most `maxMessagesPerEntity` messages per entity published to within
/// the time to live, and a stream row (about 100 bytes) per entity used within ``streamRetention``.
///
/// ```swift
/// let history = PostgresHistoryStore(
///     client: client, limits: HistoryLimits(maxMessagesPerEntity: 100), logger: logger)
/// let position = try await history.append(Array(#"{"score":3}"#.utf8), to: game)
/// ```
public struct PostgresHistoryStore: HistoryStore {
    public let limits: HistoryLimits
    /// How long a stream row with no message kept outlives its last append or its creation.
    /// A cluster's nodes must agree on it (`pubsub-node` uses the default).
    public let streamRetention: Duration

    private let client: PostgresClient
    private let schema: PostgresSchema
    private let logger: Logger

    /// A store over `client`'s database. The schema must exist, and `client` must be running.
    ///
    /// - Parameter streamRetention: How long an entity's epoch and latest offset are remembered
    ///   after its last append (or its first read) once no message of it is kept; at least
    ///   ``HistoryLimits/timeToLive``. One day by default.
    public init(
        client: PostgresClient,
        schema: PostgresSchema = .default,
        limits: HistoryLimits,
        streamRetention: Duration = .seconds(86_400),
        logger: Logger
    ) {
        self.client = client
        self.schema = schema
        self.limits = limits
        self.streamRetention = max(streamRetention, limits.timeToLive)
        self.logger = logger
    }

    public func append(_ message: [UInt8], to entity: EntityID) async throws -> HistoryPosition {
        let rows = try await client.query(
            """
            SELECT r_offset, r_epoch FROM \(unescaped: schema.historyAppendFunction)(
                \(Self.bytes(entity.rawValue.utf8)), \(Self.bytes(message)), \(Self.newEpoch()),
                \(Int64(limits.maxMessagesPerEntity)))
            """,
            logger: logger
        )
        for try await (offset, epoch) in rows.decode((Int64, String).self) {
            return HistoryPosition(offset: Int(offset), epoch: epoch)
        }
        throw PostgresPubSubError.unexpectedResult("the history append returned no row")
    }

    public func read(_ entity: EntityID, since: HistoryPosition?) async throws -> HistoryRead {
        let key = Self.bytes(entity.rawValue.utf8)
        // At most two rounds: the stream row is missing only until someone creates it, and the
        // insert below either creates it or finds it created.
        for _ in 0..<2 {
            if let read = try await readExisting(key, since: since) { return read }
            let rows = try await client.query(
                """
                INSERT INTO \(unescaped: schema.historyStreams) (entity_id, epoch, latest)
                VALUES (\(key), \(Self.newEpoch()), 0)
                ON CONFLICT (entity_id) DO NOTHING RETURNING latest, epoch
                """,
                logger: logger
            )
            for try await (latest, epoch) in rows.decode((Int64, String).self) {
                let position = HistoryPosition(offset: Int(latest), epoch: epoch)
                return Self.answer(position: position, since: since, entries: [])
            }
        }
        throw PostgresPubSubError.unexpectedResult("the history stream row vanished while it was read")
    }

    /// The position and, when `since` may be recoverable, the messages after it, in one statement;
    /// `nil` when the entity has no stream row.
    private func readExisting(_ key: ByteBuffer, since: HistoryPosition?) async throws -> HistoryRead? {
        // Only a position that can be recovered asks for messages: its epoch, an offset below the
        // latest, no more messages than are kept.
        let after = Int64(since.map { max(0, $0.offset) } ?? 0)
        // An epoch PostgreSQL text cannot hold (a client's "\u0000") matches none: not sent at all.
        let sendable = !(since?.epoch.utf8.contains(0) ?? true)
        let epoch = sendable ? since?.epoch ?? "" : ""
        let wanted = sendable
        let rows = try await client.query(
            """
            SELECT s.latest, s.epoch, m."offset", m.message
            FROM \(unescaped: schema.historyStreams) s
            LEFT JOIN LATERAL (
                SELECT h."offset", h.message FROM \(unescaped: schema.historyMessages) h
                WHERE \(wanted) AND s.epoch = \(epoch) AND \(after) < s.latest
                    AND s.latest - \(after) <= \(Int64(limits.maxMessagesPerEntity))
                    AND h.entity_id = s.entity_id AND h."offset" > \(after)
                    AND h.appended_at > clock_timestamp() - \(Self.seconds(limits.timeToLive)) * interval '1 second'
                ORDER BY h."offset"
                LIMIT \(Int64(limits.maxMessagesPerEntity))
            ) m ON true
            WHERE s.entity_id = \(key)
            ORDER BY m."offset"
            """,
            logger: logger
        )
        var position: HistoryPosition?
        var entries: [HistoryEntry] = []
        for try await (latest, epoch, offset, message) in rows.decode((Int64, String, Int64?, ByteBuffer?).self) {
            position = HistoryPosition(offset: Int(latest), epoch: epoch)
            if let offset, let message {
                entries.append(HistoryEntry(offset: Int(offset), message: Array(buffer: message)))
            }
        }
        guard let position else { return nil }
        return Self.answer(position: position, since: since, entries: entries)
    }

    /// Applies the contract's rules to what was read: recovered when the epoch is the current one,
    /// the offset not above the latest, and every message after it is there.
    static func answer(position: HistoryPosition, since: HistoryPosition?, entries: [HistoryEntry]) -> HistoryRead {
        guard let since else { return HistoryRead(position: position, recovered: nil) }
        guard since.epoch == position.epoch, since.offset >= 0, since.offset <= position.offset,
            entries.count == position.offset - since.offset,
            entries.enumerated().allSatisfy({ $0.element.offset == since.offset + 1 + $0.offset })
        else { return HistoryRead(position: position, recovered: false) }
        return HistoryRead(position: position, recovered: true, entries: entries)
    }

    @discardableResult
    public func removeExpired() async throws -> Int {
        let rows = try await client.query(
            """
            WITH cutoff AS (
                SELECT clock_timestamp() - \(Self.seconds(limits.timeToLive)) * interval '1 second' AS kept_after,
                    clock_timestamp() - \(Self.seconds(streamRetention)) * interval '1 second' AS used_after
            ), expired AS (
                DELETE FROM \(unescaped: schema.historyMessages) h USING cutoff c
                WHERE h.appended_at <= c.kept_after RETURNING 1
            ), idle AS (
                -- With the same cutoff, the messages of every stream deleted here are deleted above,
                -- so a new stream row for the entity starts on an empty table. An append racing
                -- with this holds the row's lock and refreshes updated_at, which the delete rechecks.
                DELETE FROM \(unescaped: schema.historyStreams) s USING cutoff c
                WHERE s.updated_at < c.used_after
                    AND NOT EXISTS (
                        SELECT 1 FROM \(unescaped: schema.historyMessages) h
                        WHERE h.entity_id = s.entity_id AND h.appended_at > c.kept_after
                    )
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM expired), (SELECT count(*) FROM idle)
            """,
            logger: logger
        )
        for try await (messages, _) in rows.decode((Int, Int).self) { return messages }
        return 0
    }

    static func bytes(_ bytes: some Collection<UInt8>) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeBytes(bytes)
        return buffer
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// 16 random hexadecimal digits; used only when a stream row is created.
    static func newEpoch() -> String {
        let hex = String(UInt64.random(in: .min ... .max), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
