import Foundation
import Testing
import WebSocketPubSub

@Suite("IdleConnectionSweeper")
struct IdleConnectionSweeperTests {
    private static let epoch = Date(timeIntervalSince1970: 1_700_000_000)

    private static func at(_ seconds: TimeInterval) -> Date { epoch.addingTimeInterval(seconds) }

    /// Stores holding `idle` connections last active at 0 s and `active` ones at 590 s, each
    /// subscribed to two entities.
    private static func populated(
        idle: Int,
        active: Int
    ) throws -> (InMemoryConnectionStore, InMemorySubscriptionStore) {
        let connections = InMemoryConnectionStore()
        let subscriptions = InMemorySubscriptionStore()
        let shared = try EntityID(validating: "shared")
        for index in 0..<(idle + active) {
            let isIdle = index < idle
            let id = ConnectionID(isIdle ? "idle-\(index)" : "active-\(index)")
            connections.insert(Connection(id: id, connectedAt: at(0), lastActiveAt: at(isIdle ? 0 : 590)))
            _ = subscriptions.subscribe(id, to: shared, limit: 10)
            _ = subscriptions.subscribe(id, to: try EntityID(validating: "own-\(index)"), limit: 10)
        }
        return (connections, subscriptions)
    }

    @Test func sweepsIdleConnectionsAndTheirSubscriptionsInBatches() async throws {
        let (connections, subscriptions) = try Self.populated(idle: 7, active: 3)
        let observer = RecordingObserver()
        let sweeper = IdleConnectionSweeper(
            connections: connections,
            subscriptions: subscriptions,
            timeToLive: .seconds(600),
            batchSize: 2,
            observer: observer
        )
        #expect(try await sweeper.sweep(now: Self.at(601)) == 7)
        #expect(connections.count() == 3)
        #expect(subscriptions.count() == 6)
        #expect(try subscriptions.subscribers(of: EntityID(validating: "shared")).count == 3)
        #expect(subscriptions.invariantViolations() == [])
        #expect(observer.events == [.connectionsSwept(count: 7)])
    }

    @Test func keepsConnectionsActiveExactlyAtTheCutoff() async throws {
        let (connections, subscriptions) = try Self.populated(idle: 2, active: 0)
        let sweeper = IdleConnectionSweeper(
            connections: connections,
            subscriptions: subscriptions,
            timeToLive: .seconds(600)
        )
        #expect(try await sweeper.sweep(now: Self.at(600)) == 0)
        #expect(connections.count() == 2)
        #expect(try await sweeper.sweep(now: Self.at(600.5)) == 2)
        #expect(connections.count() == 0)
        #expect(subscriptions.count() == 0)
    }

    @Test func emitsNothingWhenNothingWasSwept() async throws {
        let (connections, subscriptions) = try Self.populated(idle: 0, active: 4)
        let observer = RecordingObserver()
        let sweeper = IdleConnectionSweeper(
            connections: connections,
            subscriptions: subscriptions,
            timeToLive: .seconds(600),
            observer: observer
        )
        #expect(try await sweeper.sweep(now: Self.at(601)) == 0)
        #expect(observer.events == [])
        #expect(connections.count() == 4)
    }

    @Test func cutoffSubtractsTheTimeToLive() {
        let sweeper = IdleConnectionSweeper(
            connections: InMemoryConnectionStore(),
            subscriptions: InMemorySubscriptionStore(),
            timeToLive: .milliseconds(1500)
        )
        #expect(sweeper.cutoff(now: Self.at(10)) == Self.at(8.5))
    }

    @Test func keepsConnectionTouchedBetweenListingAndRemoval() async throws {
        let (base, subscriptions) = try Self.populated(idle: 3, active: 0)
        let connections = TouchAfterListing(base: base, revive: ConnectionID("idle-1"), at: Self.at(700))
        let sweeper = IdleConnectionSweeper(
            connections: connections,
            subscriptions: subscriptions,
            timeToLive: .seconds(600)
        )
        #expect(try await sweeper.sweep(now: Self.at(700)) == 2)
        #expect(base.connection(ConnectionID("idle-1"))?.lastActiveAt == Self.at(700))
        #expect(subscriptions.subscriptions(of: ConnectionID("idle-1")).count == 2)
        #expect(subscriptions.count() == 2)
    }

    @Test func cleansSubscriptionsOfConnectionRemovedConcurrently() async throws {
        let (base, subscriptions) = try Self.populated(idle: 2, active: 0)
        let connections = RemoveAfterListing(base: base, victim: ConnectionID("idle-0"))
        let sweeper = IdleConnectionSweeper(
            connections: connections,
            subscriptions: subscriptions,
            timeToLive: .seconds(600)
        )
        #expect(try await sweeper.sweep(now: Self.at(700)) == 1)
        #expect(subscriptions.count() == 0)
        #expect(base.count() == 0)
    }

    @Test func stopsWhenTheStoreListsConnectionsItCannotRemove() async throws {
        let sweeper = IdleConnectionSweeper(
            connections: StuckConnectionStore(),
            subscriptions: InMemorySubscriptionStore(),
            timeToLive: .seconds(1),
            batchSize: 1
        )
        #expect(try await sweeper.sweep(now: Self.at(100)) == 0)
    }

    @Test func runSweepsOnEveryTickUntilTheClockIsCancelled() async throws {
        let connections = InMemoryConnectionStore()
        let subscriptions = InMemorySubscriptionStore()
        let observer = RecordingObserver()
        let clock = CountingClock(sleepsBeforeCancelling: 2)
        let dates = DateSequence([Self.at(0), Self.at(700), Self.at(1400)])
        // Connections that become idle one sweep after another.
        connections.insert(Connection(id: ConnectionID("early"), connectedAt: Self.at(-700)))
        connections.insert(Connection(id: ConnectionID("late"), connectedAt: Self.at(50)))
        let sweeper = IdleConnectionSweeper(
            connections: connections,
            subscriptions: subscriptions,
            timeToLive: .seconds(600),
            observer: observer
        )
        await sweeper.run(interval: .seconds(60), clock: clock, now: { dates.next() })
        #expect(clock.sleeps == [.seconds(60), .seconds(60), .seconds(60)])
        #expect(observer.events == [.connectionsSwept(count: 1), .connectionsSwept(count: 1)])
        #expect(connections.count() == 0)
    }

    @Test func runReportsErrorsAndKeepsSweeping() async throws {
        let clock = CountingClock(sleepsBeforeCancelling: 2)
        let errors = RecordingErrors()
        let sweeper = IdleConnectionSweeper(
            connections: FailingConnectionStore(),
            subscriptions: InMemorySubscriptionStore(),
            timeToLive: .seconds(1)
        )
        await sweeper.run(interval: .seconds(5), clock: clock, now: { Self.at(0) }, onError: { errors.append($0) })
        #expect(errors.descriptions == Array(repeating: "database unavailable", count: 3))
    }

    @Test func runEndsWhenItsTaskIsCancelled() async {
        let sweeper = IdleConnectionSweeper(
            connections: InMemoryConnectionStore(),
            subscriptions: InMemorySubscriptionStore(),
            timeToLive: .seconds(1)
        )
        let task = Task { await sweeper.run(interval: .seconds(3600)) }
        task.cancel()
        await task.value
    }
}
