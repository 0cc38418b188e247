import Logging
import PostgresNIO
import PostgresPubSub
import WebSocketPubSub
import WebSocketPubSubNIO

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `pubsub-node`: the example server of `DESIGN.md` as one node of a cluster over PostgreSQL.
///
/// Start order matters: the schema exists, the broker listens, then the node registers its lease
/// (removing what an earlier run under its node id left) and only then says `listening on`. From
/// then on every event published on any node reaches this node's subscribers.
///
/// With `--history-size N` (and `--history-ttl SECONDS`, 300 by default) the cluster keeps each
/// entity's last N messages in PostgreSQL (``PostgresHistoryStore``): envelopes carry the
/// database's offset and epoch, and a client recovers with `since` on whichever node it reconnects
/// to. Every node sweeps expired messages periodically.
@main
struct PubSubNodeMain {
    static func main() async {
        let configuration: NodeConfiguration
        do {
            configuration = try NodeConfiguration.parse(Array(CommandLine.arguments.dropFirst()))
        } catch {
            Log.info(error.message)
            exit(2)
        }
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "pubsub-node")
        logger.logLevel = .notice

        let client: PostgresClient
        do {
            client = PostgresClient(
                configuration: try configuration.postgresURL.clientConfiguration(
                    maximumConnections: configuration.poolSize),
                backgroundLogger: logger
            )
        } catch {
            Log.info("cannot configure the database connection: \(error)")
            exit(2)
        }
        let status = await withTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            let status = await runNode(configuration: configuration, client: client, logger: logger)
            group.cancelAll()
            return status
        }
        exit(status)
    }

    static func runNode(configuration: NodeConfiguration, client: PostgresClient, logger: Logger) async -> Int32 {
        let server = configuration.server
        let identity: NodeIdentity
        do {
            identity = try NodeIdentity(nodeID: configuration.nodeID ?? "\(server.host):\(server.port)")
        } catch {
            Log.info("\(error)")
            return 2
        }
        if configuration.nodeID == nil, server.port == 0 {
            Log.info(
                "warning: --port 0 without --node-id: a restart cannot find this run's rows; the lease removes them")
        }
        do {
            try await withRetries(for: .seconds(20), logger: logger) {
                try await configuration.schema.create(on: client, logger: logger)
            }
        } catch {
            Log.info(
                "cannot prepare the database at \(configuration.postgresURL.host):\(configuration.postgresURL.port): \(String(reflecting: error))"
            )
            return 1
        }

        let connections = PostgresConnectionStore(
            client: client, schema: configuration.schema, owner: identity, logger: logger)
        let subscriptions = PostgresSubscriptionStore(client: client, schema: configuration.schema, logger: logger)
        // With --history-size, one history for the whole cluster: the publishing node numbers each
        // event in the database, and every node reads the same offsets and epochs for recovery.
        let history = server.historyLimits.map {
            PostgresHistoryStore(client: client, schema: configuration.schema, limits: $0, logger: logger)
        }
        let broker = PostgresBroker(
            url: configuration.postgresURL, client: client, schema: configuration.schema, identity: identity,
            history: history, configuration: configuration.broker, logger: logger)
        let membership = NodeMembership(
            client: client, schema: configuration.schema, identity: identity,
            configuration: configuration.membership, logger: logger)
        // Every node looks up an entity's subscribers in the shared tables; the hub delivers to the
        // connections this node holds and reports the others as held elsewhere (not gone).
        let app = ServerApp(
            configuration: server,
            connections: connections,
            subscriptions: subscriptions,
            history: history,
            unheldRecipients: .heldElsewhere
        ) { _ in ClusterPublisher(broker: broker) }
        // No history here: the events it delivers were numbered by the node that published them.
        let localNotifier = Notifier(connections: connections, subscriptions: subscriptions, sender: app.hub)
        let runner = ServerRunner(app: app)
        let (registered, markRegistered) = AsyncStream.makeStream(of: Void.self)

        return await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await broker.run { entity, message, position in
                    guard let position else { return try await localNotifier.publish(entityId: entity, json: message) }
                    // Numbered by the publishing node's transaction: delivered with its mark, so that
                    // a session recovering this entity skips what its replay already holds.
                    return try await localNotifier.publish(
                        entityId: entity, message: .entityEnvelope(entityId: entity, json: message, position: position))
                }
            }
            if let history {
                group.addTask { await sweep(history, logger: logger) }
            }
            // Not a child of the group: it must end before the node deregisters, or a heartbeat in
            // between would find the lease gone and report it lost.
            let heartbeat = Task {
                // The stream ends without an element when the node stops before it registered.
                var didRegister = false
                for await _ in registered {
                    didRegister = true
                    break
                }
                guard didRegister else { return }
                await membership.maintain { error in
                    Log.info("\(error); stopping so that clients reconnect to a node that holds a lease")
                    runner.requestStop("lease lost", status: 3)
                }
            }
            let status = await runner.run { _ in
                try await withTimeout(.seconds(30), "the broker did not start listening") {
                    try await broker.waitUntilListening()
                }
                let removed = try await membership.register()
                markRegistered.yield()
                Log.info(
                    "node \(identity) registered; removed \(removed.connections) connections and "
                        + "\(removed.subscriptions) subscriptions left by an earlier run")
            }
            markRegistered.finish()
            heartbeat.cancel()
            await heartbeat.value
            do {
                let removed = try await withTimeout(.seconds(5), "deregistering took too long") {
                    try await membership.deregister()
                }
                Log.info("node \(identity) left; removed \(removed.connections) connections")
            } catch {
                Log.info("node \(identity) could not deregister (\(error)); its lease will expire")
            }
            group.cancelAll()
            return status
        }
    }

    /// Deletes expired history until cancelled. Every node sweeps; the deletes of two nodes at once
    /// simply find less to delete.
    static func sweep(_ history: PostgresHistoryStore, logger: Logger) async {
        let interval = min(max(history.limits.timeToLive / 4, .seconds(1)), .seconds(60))
        while true {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            do {
                try await history.removeExpired()
            } catch {
                logger.warning("history sweep failed", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
    }

    /// Runs `operation` until it succeeds or `limit` passes, for a database that is still starting.
    static func withRetries(for limit: Duration, logger: Logger, _ operation: () async throws -> Void) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while true {
            do {
                return try await operation()
            } catch {
                guard clock.now < deadline else { throw error }
                logger.warning("database not ready, retrying", metadata: ["error": "\(String(reflecting: error))"])
                try await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    struct TimedOut: Error, CustomStringConvertible {
        var description: String
    }

    static func withTimeout<T: Sendable>(
        _ limit: Duration, _ message: String, _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: limit)
                throw TimedOut(description: message)
            }
            defer { group.cancelAll() }
            // The first of the two to finish decides; `nil` cannot happen with two tasks added.
            guard let result = try await group.next() else { throw TimedOut(description: message) }
            return result
        }
    }
}
