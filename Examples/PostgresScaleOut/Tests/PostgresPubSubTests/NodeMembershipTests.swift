import Foundation
import PostgresNIO
import Testing
import WebSocketPubSub

@testable import PostgresPubSub

@Suite("Node leases and clean-up", .serialized, .enabled(if: TestDatabase.shouldRun))
struct NodeMembershipTests {
    /// One node run with its stores, in a test's schema.
    struct Run {
        let membership: NodeMembership
        let connections: PostgresConnectionStore
        let subscriptions: PostgresSubscriptionStore

        init(_ identity: NodeIdentity, client: PostgresClient, schema: PostgresSchema) {
            membership = NodeMembership(client: client, schema: schema, identity: identity, logger: TestDatabase.logger)
            connections = PostgresConnectionStore(
                client: client, schema: schema, owner: identity, logger: TestDatabase.logger)
            subscriptions = PostgresSubscriptionStore(client: client, schema: schema, logger: TestDatabase.logger)
        }

        func open(_ ids: [String], subscribedTo entity: String) async throws {
            for id in ids {
                try await connections.insert(Connection(id: ConnectionID(id), connectedAt: .now))
                _ = try await subscriptions.subscribe(ConnectionID(id), to: try EntityID(validating: entity), limit: 10)
            }
        }
    }

    static func remainingConnections(_ run: Run) async throws -> [String] {
        try await run.connections.idleConnections(lastActiveBefore: .distantFuture, limit: 100).map(\.rawValue).sorted()
    }

    @Test func aRestartRemovesTheRowsOfTheEarlierRunAtOnce() async throws {
        try await TestDatabase.withClient { client, schemas in
            let schema = try await schemas.make()
            let first = Run(try NodeIdentity(nodeID: "10.0.0.1:8080"), client: client, schema: schema)
            let other = Run(try NodeIdentity(nodeID: "10.0.0.2:8080"), client: client, schema: schema)
            let second = Run(try NodeIdentity(nodeID: "10.0.0.1:8080"), client: client, schema: schema)
            try await first.membership.register()
            try await other.membership.register()
            try await first.open(["old-1", "old-2"], subscribedTo: "game")
            try await other.open(["other-1"], subscribedTo: "game")

            let removed = try await second.membership.register()

            #expect(removed == NodeMembership.Removed(connections: 2, subscriptions: 2))
            #expect(try await Self.remainingConnections(second) == ["other-1"])
            #expect(try await second.subscriptions.count() == 1)
            await #expect(throws: PostgresPubSubError.leaseLost(nodeID: "10.0.0.1:8080")) {
                try await first.membership.renew()
            }
            try await second.membership.renew()
        }
    }

    @Test func anExpiredLeaseIsReapedWithItsConnectionsOnly() async throws {
        try await TestDatabase.withClient { client, schemas in
            let schema = try await schemas.make()
            let dead = Run(try NodeIdentity(nodeID: "dead"), client: client, schema: schema)
            let alive = Run(try NodeIdentity(nodeID: "alive"), client: client, schema: schema)
            try await dead.membership.register()
            try await alive.membership.register()
            try await dead.open(["d1", "d2", "d3"], subscribedTo: "e")
            try await alive.open(["a1"], subscribedTo: "e")

            #expect(try await alive.membership.reapExpired() == NodeMembership.Removed())
            // The dead node's last heartbeat is in the past: its lease ran out.
            try await client.query(
                "UPDATE \(unescaped: schema.nodes) SET lease_expires_at = now() - interval '1 second' WHERE node_id = 'dead'",
                logger: TestDatabase.logger)

            let reaped = try await alive.membership.reapExpired()
            #expect(reaped == NodeMembership.Removed(nodes: 1, connections: 3, subscriptions: 3))
            #expect(try await Self.remainingConnections(alive) == ["a1"])
            #expect(try await alive.subscriptions.count() == 1)
            await #expect(throws: PostgresPubSubError.leaseLost(nodeID: "dead")) { try await dead.membership.renew() }
        }
    }

    @Test func aGracefulLeaveRemovesOnlyThatRun() async throws {
        try await TestDatabase.withClient { client, schemas in
            let schema = try await schemas.make()
            let leaving = Run(try NodeIdentity(nodeID: "leaving"), client: client, schema: schema)
            let staying = Run(try NodeIdentity(nodeID: "staying"), client: client, schema: schema)
            try await leaving.membership.register()
            try await staying.membership.register()
            try await leaving.open(["l1", "l2"], subscribedTo: "e")
            try await staying.open(["s1"], subscribedTo: "e")

            let removed = try await leaving.membership.deregister()

            #expect(removed == NodeMembership.Removed(nodes: 1, connections: 2, subscriptions: 2))
            #expect(try await Self.remainingConnections(staying) == ["s1"])
            await #expect(throws: PostgresPubSubError.leaseLost(nodeID: "leaving")) {
                try await leaving.membership.renew()
            }
        }
    }

    @Test func rowsOfARunWithoutALeaseAreSweptAsOrphans() async throws {
        try await TestDatabase.withClient { client, schemas in
            let schema = try await schemas.make()
            let live = Run(try NodeIdentity(nodeID: "live"), client: client, schema: schema)
            let never = Run(try NodeIdentity(nodeID: "never-registered"), client: client, schema: schema)
            try await live.membership.register()
            try await live.open(["kept"], subscribedTo: "e")
            try await never.open(["orphan"], subscribedTo: "e")

            #expect(try await live.membership.reapOrphans() == NodeMembership.Removed(connections: 1, subscriptions: 1))
            #expect(try await Self.remainingConnections(live) == ["kept"])
        }
    }

    @Test func theHeartbeatReapsANodeThatStoppedRenewing() async throws {
        try await TestDatabase.withClient { client, schemas in
            let schema = try await schemas.make()
            let configuration = NodeMembership.Configuration(
                leaseDuration: .milliseconds(300), heartbeatInterval: .milliseconds(20))
            let survivor = NodeMembership(
                client: client, schema: schema, identity: try NodeIdentity(nodeID: "survivor"),
                configuration: configuration, logger: TestDatabase.logger)
            let crashed = Run(try NodeIdentity(nodeID: "crashed"), client: client, schema: schema)
            try await survivor.register()
            // The crashed node registered with the default 8 s lease; its lease is made to run out
            // now instead of waiting for it.
            try await crashed.membership.register()
            try await crashed.open(["c1", "c2"], subscribedTo: "e")
            try await client.query(
                "UPDATE \(unescaped: schema.nodes) SET lease_expires_at = now() WHERE node_id = 'crashed'",
                logger: TestDatabase.logger)

            let heartbeat = Task { await survivor.maintain { _ in } }
            defer { heartbeat.cancel() }
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(10)
            while try await crashed.connections.count() > 0, clock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }

            #expect(try await crashed.connections.count() == 0)
            #expect(try await crashed.subscriptions.count() == 0)
            try await survivor.renew()
        }
    }

    @Test func theHeartbeatStopsAndReportsWhenAnotherRunTakesTheNodeID() async throws {
        try await TestDatabase.withClient { client, schemas in
            let schema = try await schemas.make()
            let configuration = NodeMembership.Configuration(
                leaseDuration: .milliseconds(400), heartbeatInterval: .milliseconds(20))
            let first = NodeMembership(
                client: client, schema: schema, identity: try NodeIdentity(nodeID: "n"), configuration: configuration,
                logger: TestDatabase.logger)
            let second = Run(try NodeIdentity(nodeID: "n"), client: client, schema: schema)
            try await first.register()
            let (lost, report) = AsyncStream.makeStream(of: PostgresPubSubError.self)
            let heartbeat = Task { await first.maintain { error in report.yield(error) } }
            try await second.membership.register()
            var received: PostgresPubSubError?
            for await error in lost {
                received = error
                break
            }
            #expect(received == .leaseLost(nodeID: "n"))
            await heartbeat.value
        }
    }
}
