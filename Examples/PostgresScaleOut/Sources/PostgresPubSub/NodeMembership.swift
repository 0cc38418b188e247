import Logging
public import PostgresNIO

/// A node's place in the cluster: its lease row, renewed by heartbeats, and the clean-up of nodes
/// that are gone.
///
/// - ``register()`` claims the node id for this run and at once removes the rows a previous run
///   with the same node id left behind (a restart after a crash).
/// - ``maintain(onLeaseLost:)`` renews the lease every heartbeat and removes the connections (and
///   their subscriptions) of every node whose lease has expired: a node that died and never comes
///   back is cleaned up by its peers within ``Configuration/leaseDuration`` plus one heartbeat.
/// - ``deregister()`` removes this run's rows and its lease on a graceful stop.
///
/// Time is the database's `now()`, one clock for every node, so clock skew between nodes does not
/// shorten or stretch leases.
public struct NodeMembership: Sendable {
    /// How long a lease lasts and how often it is renewed.
    public struct Configuration: Hashable, Sendable {
        /// How long a node counts as alive after its last heartbeat.
        public var leaseDuration: Duration
        /// How often a node renews its lease and reaps expired ones; well under ``leaseDuration``.
        public var heartbeatInterval: Duration

        /// The defaults remove a dead node's connections within about 10 seconds.
        public init(leaseDuration: Duration = .seconds(8), heartbeatInterval: Duration = .seconds(2)) {
            self.leaseDuration = leaseDuration
            self.heartbeatInterval = heartbeatInterval
        }
    }

    /// Rows removed by one clean-up.
    public struct Removed: Hashable, Sendable {
        /// Lease rows removed.
        public var nodes = 0
        /// Connection rows removed.
        public var connections = 0
        /// Subscription rows removed with those connections.
        public var subscriptions = 0

        /// Counts of removed rows.
        public init(nodes: Int = 0, connections: Int = 0, subscriptions: Int = 0) {
            self.nodes = nodes
            self.connections = connections
            self.subscriptions = subscriptions
        }
    }

    /// The node and run this membership speaks for.
    public let identity: NodeIdentity
    /// The lease's length and the heartbeat's period.
    public let configuration: Configuration
    private let client: PostgresClient
    private let schema: PostgresSchema
    private let logger: Logger

    /// Membership of `identity` in the cluster whose tables are in `schema`; `client` must be running.
    public init(
        client: PostgresClient,
        schema: PostgresSchema = .default,
        identity: NodeIdentity,
        configuration: Configuration = Configuration(),
        logger: Logger
    ) {
        self.client = client
        self.schema = schema
        self.identity = identity
        self.configuration = configuration
        self.logger = logger
    }

    private var leaseSeconds: Double { Self.seconds(configuration.leaseDuration) }

    /// Claims the node id for this run and removes what an earlier run under the same id left.
    ///
    /// Call it before accepting connections and after the broker listens, so that no event published
    /// to this node is missed once it counts as alive.
    @discardableResult
    public func register() async throws -> Removed {
        try await client.query(
            """
            INSERT INTO \(unescaped: schema.nodes) (node_id, incarnation, lease_expires_at)
            VALUES (\(identity.nodeID), \(identity.incarnation), now() + make_interval(secs => \(leaseSeconds)))
            ON CONFLICT (node_id) DO UPDATE SET incarnation = EXCLUDED.incarnation, started_at = now(),
                lease_expires_at = EXCLUDED.lease_expires_at
            """,
            logger: logger
        )
        return try await removeConnections(.staleRuns(of: identity))
    }

    /// Extends the lease; throws ``PostgresPubSubError/leaseLost(nodeID:)`` if the row is no longer this run's.
    public func renew() async throws {
        let rows = try await client.query(
            """
            UPDATE \(unescaped: schema.nodes) SET lease_expires_at = now() + make_interval(secs => \(leaseSeconds))
            WHERE node_id = \(identity.nodeID) AND incarnation = \(identity.incarnation) RETURNING 1
            """,
            logger: logger
        )
        var renewed = false
        for try await _ in rows.decode(Int32.self) { renewed = true }
        guard renewed else { throw PostgresPubSubError.leaseLost(nodeID: identity.nodeID) }
    }

    /// Removes every expired lease with its connections and their subscriptions, and large event
    /// bodies old enough that every node has read them.
    @discardableResult
    public func reapExpired() async throws -> Removed {
        let rows = try await client.query(
            """
            WITH expired AS (
                DELETE FROM \(unescaped: schema.nodes) WHERE lease_expires_at < now() RETURNING node_id, incarnation
            ), dead AS (
                DELETE FROM \(unescaped: schema.connections) c USING expired e
                WHERE c.node_id = e.node_id AND c.incarnation = e.incarnation RETURNING c.connection_id
            ), gone AS (
                DELETE FROM \(unescaped: schema.subscriptions) s USING dead d
                WHERE s.connection_id = d.connection_id RETURNING 1
            ), bodies AS (
                DELETE FROM \(unescaped: schema.eventBodies) WHERE created_at < now() - interval '5 minutes' RETURNING 1
            )
            SELECT (SELECT count(*) FROM expired), (SELECT count(*) FROM dead), (SELECT count(*) FROM gone),
                (SELECT count(*) FROM bodies)
            """,
            logger: logger
        )
        for try await (nodes, connections, subscriptions, _) in rows.decode((Int, Int, Int, Int).self) {
            return Removed(nodes: nodes, connections: connections, subscriptions: subscriptions)
        }
        return Removed()
    }

    /// Removes connection rows whose owner has no lease under the same run: rows a node inserted
    /// after its lease had already been reaped. Costs a scan of the connections, so run it rarely.
    @discardableResult
    public func reapOrphans() async throws -> Removed {
        try await removeConnections(.orphans)
    }

    /// Removes this run's connections, their subscriptions and its lease: a graceful leave.
    @discardableResult
    public func deregister() async throws -> Removed {
        var removed = try await removeConnections(.run(identity))
        let rows = try await client.query(
            """
            WITH left_nodes AS (
                DELETE FROM \(unescaped: schema.nodes)
                WHERE node_id = \(identity.nodeID) AND incarnation = \(identity.incarnation) RETURNING 1
            ) SELECT count(*) FROM left_nodes
            """,
            logger: logger
        )
        for try await count in rows.decode(Int.self) { removed.nodes = count }
        return removed
    }

    /// Renews the lease and reaps expired ones every heartbeat until the task is cancelled.
    ///
    /// A node reaps only after it has renewed without a failure for a whole lease period. After a
    /// database outage every lease has run out; this gives every live node the time to renew before
    /// any node may reap it, instead of the first node back removing all the others.
    ///
    /// - Parameter onLeaseLost: Called once, and the loop ends, when the lease is no longer this
    ///   run's: the node must stop serving, because its connections may be gone from the stores.
    public func maintain(onLeaseLost: @Sendable (PostgresPubSubError) async -> Void) async {
        let clock = ContinuousClock()
        var healthySince: ContinuousClock.Instant? = nil
        var heartbeats = 0
        let orphanSweepEvery = max(1, Int(30 / max(0.1, Self.seconds(configuration.heartbeatInterval))))
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: configuration.heartbeatInterval)
            } catch {
                return
            }
            do {
                try await renew()
                let since = healthySince ?? clock.now
                healthySince = since
                guard clock.now - since >= configuration.leaseDuration else { continue }
                heartbeats += 1
                let reaped = try await reapExpired()
                if reaped.nodes > 0 || reaped.connections > 0 {
                    logger.notice(
                        "reaped expired nodes",
                        metadata: [
                            "nodes": "\(reaped.nodes)", "connections": "\(reaped.connections)",
                            "subscriptions": "\(reaped.subscriptions)",
                        ])
                }
                if heartbeats % orphanSweepEvery == 0 { try await reapOrphans() }
            } catch let error as PostgresPubSubError {
                await onLeaseLost(error)
                return
            } catch {
                // A query cut short by the node's own stop is no failure of the database.
                if Task.isCancelled { return }
                if healthySince != nil {
                    logger.warning(
                        "heartbeat failed; not reaping until a whole lease renews",
                        metadata: ["error": "\(String(reflecting: error))"])
                }
                healthySince = nil
            }
        }
    }

    /// Which connection rows a clean-up removes.
    private enum Selection {
        /// Rows of `identity`'s node id inserted by any other run.
        case staleRuns(of: NodeIdentity)
        /// Rows inserted by exactly this run.
        case run(NodeIdentity)
        /// Rows whose run holds no lease.
        case orphans

        /// The condition on the connections (aliased `c`) and its bound values.
        func condition(schema: PostgresSchema) -> (sql: String, binds: PostgresBindings) {
            var binds = PostgresBindings()
            switch self {
            case .staleRuns(let identity):
                binds.append(identity.nodeID)
                binds.append(identity.incarnation)
                return ("c.node_id = $1 AND c.incarnation IS DISTINCT FROM $2", binds)
            case .run(let identity):
                binds.append(identity.nodeID)
                binds.append(identity.incarnation)
                return ("c.node_id = $1 AND c.incarnation = $2", binds)
            case .orphans:
                return (
                    """
                    c.node_id IS NOT NULL AND NOT EXISTS (
                        SELECT 1 FROM \(schema.nodes) n WHERE n.node_id = c.node_id AND n.incarnation = c.incarnation)
                    """, binds
                )
            }
        }
    }

    private func removeConnections(_ selection: Selection) async throws -> Removed {
        let (condition, binds) = selection.condition(schema: schema)
        let rows = try await client.query(
            PostgresQuery(
                unsafeSQL: """
                    WITH dead AS (
                        DELETE FROM \(schema.connections) c WHERE \(condition) RETURNING c.connection_id
                    ), gone AS (
                        DELETE FROM \(schema.subscriptions) s USING dead d WHERE s.connection_id = d.connection_id RETURNING 1
                    )
                    SELECT (SELECT count(*) FROM dead), (SELECT count(*) FROM gone)
                    """,
                binds: binds
            ),
            logger: logger
        )
        for try await (connections, subscriptions) in rows.decode((Int, Int).self) {
            return Removed(connections: connections, subscriptions: subscriptions)
        }
        return Removed()
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
