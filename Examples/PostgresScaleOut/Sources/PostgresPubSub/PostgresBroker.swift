import Foundation
public import Logging
import NIOConcurrencyHelpers
public import NIOCore
import NIOPosix
public import PostgresNIO
public import WebSocketPubSub

/// Carries events between the nodes of a cluster through PostgreSQL's `LISTEN`/`NOTIFY`, the way
/// Rails' Action Cable does with its PostgreSQL adapter: no cluster protocol of our own.
///
/// - ``publish(entityId:message:)`` writes the event once: one `NOTIFY` on the cluster's event
///   channel (an event of 8000 bytes or more is stored in a table, and the notification carries its
///   key). It then waits, up to ``Configuration/reportTimeout``, for every node with a live lease
///   to report what it delivered, and returns the sums.
/// - ``run(deliver:)`` holds one dedicated connection that `LISTEN`s on the event channel and on
///   this node's reply channel. Each event is handed to `deliver`, one at a time in the order
///   PostgreSQL sent them (which keeps each connection's messages in publish order), and the
///   result is reported to the publisher. If the connection drops it reconnects; notifications sent
///   while it was down are lost (at most once), and each outage is logged.
///
/// With a ``PostgresHistoryStore``, a publish appends the event to the entity's history and
/// notifies in the same transaction, and the notification carries the offset and epoch it got
/// (handed to `deliver`, and in the report's ``DeliveryReport/position``). The stream row's lock is
/// held until commit and PostgreSQL queues notifications in commit order, so every node hears an
/// entity's events in offset order: a client on any node receives offsets 1, 2, 3, … in order. An
/// event this node misses (its listener down) leaves a gap in its clients' offsets; a client that
/// sees one resubscribes with `since` on the same connection and gets the rest from the history.
///
/// ```swift
/// let broker = PostgresBroker(url: url, client: client, identity: identity, logger: logger)
/// group.addTask {
///     await broker.run { entity, message, _ in try await localNotifier.publish(entityId: entity, json: message) }
/// }
/// try await broker.waitUntilListening()
/// let report = try await broker.publish(entityId: game, message: Array(#"{"score":3}"#.utf8))
/// ```
public final class PostgresBroker: Sendable {
    /// Timing of the broker.
    public struct Configuration: Hashable, Sendable {
        /// How long a publish waits for the other nodes' reports before it answers with what it has.
        public var reportTimeout: Duration
        /// How long to wait before reconnecting the listening connection after it failed.
        public var reconnectDelay: Duration

        /// Timing with the defaults of `pubsub-node`.
        public init(reportTimeout: Duration = .seconds(5), reconnectDelay: Duration = .milliseconds(500)) {
            self.reportTimeout = reportTimeout
            self.reconnectDelay = reconnectDelay
        }
    }

    /// Delivers one event to this node's subscribers: with history, `position` is its offset and
    /// epoch, to deliver as ``WebSocketPubSub/OutboundMessage/entityEnvelope(entityId:json:position:)``.
    public typealias Deliver =
        @Sendable (_ entityId: EntityID, _ message: [UInt8], _ position: HistoryPosition?) async throws ->
        DeliveryReport

    /// The node and run this broker delivers for and reports as.
    public let identity: NodeIdentity
    /// The broker's timing.
    public let configuration: Configuration
    /// The channel on which this node receives reports of its own publishes.
    public let replyChannel: String
    /// Where publishes are appended before they are sent; `nil` keeps no history.
    public let history: PostgresHistoryStore?

    private let url: PostgresURL
    private let client: PostgresClient
    private let schema: PostgresSchema
    private let logger: Logger
    private let eventLoopGroup: any EventLoopGroup
    private let collector = ReportCollector()
    /// Whether the listening connection is up now; a publish is refused while it is not.
    private let isListening = NIOLockedValueBox(false)
    private let listening: AsyncStream<Void>
    private let listeningContinuation: AsyncStream<Void>.Continuation

    /// A broker for `identity`, publishing through `client` and listening on its own connection to `url`;
    /// with `history` (over the same database and schema), every publish is appended to it first.
    public init(
        url: PostgresURL,
        client: PostgresClient,
        schema: PostgresSchema = .default,
        identity: NodeIdentity,
        history: PostgresHistoryStore? = nil,
        configuration: Configuration = Configuration(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) {
        self.url = url
        self.client = client
        self.schema = schema
        self.identity = identity
        self.history = history
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        // Unique per run, so it needs no schema prefix; 45 bytes, under PostgreSQL's 63-byte limit on
        // channel names (a longer name is silently cut by LISTEN but refused by pg_notify).
        self.replyChannel = "pubsub_reply_" + identity.incarnation.uuidString.lowercased().filter { $0 != "-" }
        (listening, listeningContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Returns once ``run(deliver:)`` listens for the first time; a node registers only then, so
    /// that no publish counts on it before it can hear.
    public func waitUntilListening() async throws {
        for await _ in listening { return }
        throw CancellationError()
    }

    /// Publishes to every node and sums their reports.
    ///
    /// - Throws: ``PostgresPubSubError/notListening`` while this node's own listening connection
    ///   is down (after a database restart, say): the event is refused rather than sent into a
    ///   cluster that this node cannot hear, which would lose at least its own subscribers' copy.
    ///   Otherwise the database's error if the event could not be sent. Nothing was sent then.
    /// - Returns: The sum of the nodes' reports, with ``DeliveryReport/nodes`` (live leases when the
    ///   event was published) and ``DeliveryReport/nodesAnswered`` (reports received before the report
    ///   timeout; a silent node's deliveries, if any, are not counted).
    public func publish(entityId: EntityID, message: [UInt8]) async throws -> DeliveryReport {
        guard isListening.withLockedValue({ $0 }) else { throw PostgresPubSubError.notListening }
        let event = UUID()
        collector.begin(event)
        let sent: (nodes: [String], position: HistoryPosition?)
        do {
            if let history {
                sent = try await send(event, entityId: entityId, message: message, history: history)
            } else {
                sent = (try await send(event, entityId: entityId, message: message), nil)
            }
        } catch {
            collector.cancel(event)
            throw error
        }
        let nodes = sent.nodes
        let reports = await collector.collect(event, expected: nodes, timeout: configuration.reportTimeout)
        var summary = DeliveryReport(entityId: entityId, recipients: 0, delivered: 0)
        summary.nodes = nodes.count
        summary.nodesAnswered = reports.count
        summary.position = sent.position
        for report in reports {
            summary.recipients += report.recipients
            summary.delivered += report.delivered
            summary.gone += report.gone
            summary.failed += report.failed
        }
        let answered = Set(reports.map(\.node))
        let missing = nodes.filter { !answered.contains($0) }
        if !missing.isEmpty {
            logger.warning("nodes did not report in time", metadata: ["event": "\(event)", "missing": "\(missing)"])
        }
        return summary
    }

    /// Sends an event without history; returns the nodes with a live lease.
    private func send(_ event: UUID, entityId: EntityID, message: [UInt8]) async throws -> [String] {
        let text = ClusterMessage.event(id: event, reply: replyChannel, entityId: entityId, message: message)
        let inline = text.utf8.count <= ClusterMessage.maximumInlinePayload
        let payload = inline ? text : ClusterMessage.stored(event: event, reply: replyChannel)
        let body: String? = inline ? nil : text
        let rows = try await client.query(
            """
            SELECT \(unescaped: schema.publishFunction)(\(schema.eventChannel), \(payload), \(event), \(body))
            """,
            logger: logger
        )
        for try await live in rows.decode([String].self) { return live }
        return []
    }

    /// Appends an event to its entity's history and sends it with its position, in one transaction
    /// (one round trip); returns the nodes with a live lease and the position.
    private func send(
        _ event: UUID, entityId: EntityID, message: [UInt8], history: PostgresHistoryStore
    ) async throws -> (nodes: [String], position: HistoryPosition?) {
        let rows = try await client.query(
            """
            SELECT r_offset, r_epoch, r_nodes FROM \(unescaped: schema.publishWithHistoryFunction)(
                \(schema.eventChannel), \(PostgresHistoryStore.bytes(entityId.rawValue.utf8)),
                \(PostgresHistoryStore.bytes(message)), \(PostgresHistoryStore.newEpoch()),
                \(Int64(history.limits.maxMessagesPerEntity)), \(event),
                \(ClusterMessage.head(id: event, reply: replyChannel, entityId: entityId)),
                \(ClusterMessage.stored(event: event, reply: replyChannel)))
            """,
            logger: logger
        )
        for try await (offset, epoch, nodes) in rows.decode((Int64, String, [String]).self) {
            return (nodes, HistoryPosition(offset: Int(offset), epoch: epoch))
        }
        throw PostgresPubSubError.unexpectedResult("the publish returned no row")
    }

    /// Listens and delivers until the task is cancelled, reconnecting after failures.
    public func run(deliver: @escaping Deliver) async {
        var attempt = 0
        while !Task.isCancelled {
            do {
                try await listenOnce(deliver: deliver) { attempt = 0 }
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                attempt += 1
                logger.error(
                    "listening connection failed; notifications until it is back are lost",
                    metadata: ["error": "\(String(reflecting: error))", "attempt": "\(attempt)"])
            }
            do {
                try await Task.sleep(for: configuration.reconnectDelay)
            } catch {
                return
            }
        }
    }

    private func listenOnce(deliver: @escaping Deliver, onListening: () -> Void) async throws {
        let connection = try await PostgresConnection.connect(
            on: eventLoopGroup.next(),
            configuration: url.connectionConfiguration(),
            id: 1,
            logger: logger
        ).get()
        do {
            try await connection.listen(on: schema.eventChannel) { events in
                try await connection.listen(on: replyChannel) { replies in
                    onListening()
                    isListening.withLockedValue { $0 = true }
                    listeningContinuation.yield()
                    defer { isListening.withLockedValue { $0 = false } }
                    try await consume(events: events, replies: replies, deliver: deliver)
                }
            }
        } catch {
            isListening.withLockedValue { $0 = false }
            try? await connection.close()
            throw error
        }
        try? await connection.close()
    }

    private struct ListeningEnded: Error {}

    private func consume(
        events: PostgresNotificationSequence,
        replies: PostgresNotificationSequence,
        deliver: @escaping Deliver
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            let collector = self.collector
            let logger = self.logger
            group.addTask {
                for try await notification in replies {
                    do {
                        collector.receive(try ClusterMessage.parseReport(notification.payload))
                    } catch {
                        logger.warning("ignored a reply", metadata: ["error": "\(String(reflecting: error))"])
                    }
                }
                throw ListeningEnded()
            }
            group.addTask {
                for try await notification in events {
                    await self.handle(notification.payload, deliver: deliver)
                }
                throw ListeningEnded()
            }
            // Either sequence ending means the connection is gone: cancel the other and reconnect.
            try await group.next()
        }
    }

    private func handle(_ payload: String, deliver: Deliver) async {
        let notice: ClusterMessage.Notice
        do {
            var parsed = try ClusterMessage.parseEvent(payload)
            if parsed.content == nil {
                guard let stored = try await storedEvent(parsed.event) else {
                    logger.error(
                        "a stored event is missing; it was not delivered here", metadata: ["event": "\(parsed.event)"])
                    return
                }
                parsed = stored
            }
            notice = parsed
        } catch {
            logger.error(
                "an event could not be read; it was not delivered here",
                metadata: ["error": "\(String(reflecting: error))"])
            return
        }
        guard let content = notice.content else { return }
        let delivery: DeliveryReport
        do {
            delivery = try await deliver(content.entityId, content.message, content.position)
        } catch {
            // No report: the publisher counts this node as not having answered.
            logger.error(
                "local delivery failed",
                metadata: ["event": "\(notice.event)", "error": "\(String(reflecting: error))"])
            return
        }
        // Each node looks up every subscriber in the shared store and delivers to those it holds; the
        // others are held by other nodes, which count them in their own reports.
        let report = ClusterMessage.Report(
            event: notice.event, node: identity.nodeID, recipients: delivery.recipients - delivery.heldElsewhere,
            delivered: delivery.delivered, gone: delivery.gone, failed: delivery.failed)
        do {
            try await client.query(
                "SELECT pg_notify(\(notice.reply), \(ClusterMessage.report(report)))", logger: logger)
        } catch {
            logger.error(
                "could not report a delivery",
                metadata: ["event": "\(notice.event)", "error": "\(String(reflecting: error))"])
        }
    }

    private func storedEvent(_ event: UUID) async throws -> ClusterMessage.Notice? {
        let rows = try await client.query(
            "SELECT body FROM \(unescaped: schema.eventBodies) WHERE event_id = \(event)", logger: logger)
        for try await body in rows.decode(String.self) {
            return try ClusterMessage.parseEvent(body)
        }
        return nil
    }
}
