import Testing
import WebSocketPubSub

@Suite("InMemorySubscriptionStore")
struct InMemorySubscriptionStoreTests {
    private func entity(_ text: String) throws -> EntityID { try EntityID(validating: text) }

    @Test func subscribeIsIdempotent() throws {
        let store = InMemorySubscriptionStore()
        let game = try entity("game-1")
        let a = ConnectionID("a")
        #expect(store.subscribe(a, to: game, limit: 10) == .subscribed)
        #expect(store.subscribe(a, to: game, limit: 10) == .alreadySubscribed)
        #expect(store.count() == 1)
        #expect(store.subscribers(of: game) == [a])
        #expect(store.subscriptions(of: a) == [game])
        #expect(store.invariantViolations() == [])
    }

    @Test(arguments: [1, 2, 3, 128])
    func refusesExactlyAtTheLimit(limit: Int) throws {
        let store = InMemorySubscriptionStore()
        let a = ConnectionID("a")
        for index in 0..<limit {
            #expect(store.subscribe(a, to: try entity("e\(index)"), limit: limit) == .subscribed)
        }
        #expect(store.subscribe(a, to: try entity("one-more"), limit: limit) == .limitReached(limit: limit))
        #expect(store.subscribe(a, to: try entity("e0"), limit: limit) == .alreadySubscribed)
        #expect(store.subscribe(ConnectionID("b"), to: try entity("e0"), limit: limit) == .subscribed)
        #expect(store.count() == limit + 1)
        #expect(store.subscriberCount(of: try entity("one-more")) == 0)
    }

    @Test func nonPositiveLimitRefusesWithoutInterning() throws {
        let store = InMemorySubscriptionStore()
        #expect(store.subscribe(ConnectionID("a"), to: try entity("e"), limit: 0) == .limitReached(limit: 0))
        #expect(store.subscribe(ConnectionID("a"), to: try entity("e"), limit: -5) == .limitReached(limit: -5))
        #expect(store.statistics.liveConnections == 0)
        #expect(store.statistics.liveEntities == 0)
        #expect(store.count() == 0)
    }

    @Test func unsubscribeReturnsWhetherPairExisted() throws {
        let store = InMemorySubscriptionStore()
        let game = try entity("game-1")
        _ = store.subscribe(ConnectionID("a"), to: game, limit: 10)
        _ = store.subscribe(ConnectionID("b"), to: game, limit: 10)
        #expect(store.unsubscribe(ConnectionID("a"), from: game))
        #expect(!store.unsubscribe(ConnectionID("a"), from: game))
        #expect(!store.unsubscribe(ConnectionID("b"), from: try entity("other")))
        #expect(!store.unsubscribe(ConnectionID("nobody"), from: game))
        #expect(store.subscribers(of: game) == [ConnectionID("b")])
        #expect(store.count() == 1)
    }

    @Test func removeAllRemovesBothDirections() throws {
        let store = InMemorySubscriptionStore()
        let entities = try (0..<5).map { try entity("e\($0)") }
        for entity in entities {
            _ = store.subscribe(ConnectionID("a"), to: entity, limit: 10)
            _ = store.subscribe(ConnectionID("b"), to: entity, limit: 10)
        }
        #expect(store.removeAll(for: ConnectionID("a")) == 5)
        #expect(store.removeAll(for: ConnectionID("a")) == 0)
        for entity in entities {
            #expect(store.subscribers(of: entity) == [ConnectionID("b")])
        }
        #expect(store.subscriptions(of: ConnectionID("a")) == [])
        #expect(store.count() == 5)
        #expect(store.invariantViolations() == [])
    }

    @Test func releasesInternedIdentifiersWithTheirLastSubscription() throws {
        let store = InMemorySubscriptionStore()
        let game = try entity("game-1")
        _ = store.subscribe(ConnectionID("a"), to: game, limit: 10)
        _ = store.subscribe(ConnectionID("b"), to: game, limit: 10)
        #expect(store.statistics.liveConnections == 2)
        #expect(store.statistics.liveEntities == 1)

        store.unsubscribe(ConnectionID("a"), from: game)
        #expect(store.statistics.liveConnections == 1)
        #expect(store.statistics.liveEntities == 1)

        store.removeAll(for: ConnectionID("b"))
        #expect(store.statistics.liveConnections == 0)
        #expect(store.statistics.liveEntities == 0)
        #expect(store.statistics.connectionSlots == 2)
        #expect(store.statistics.entitySlots == 1)
    }

    @Test func reusesReleasedSlotsSoChurnDoesNotGrowTables() throws {
        let store = InMemorySubscriptionStore()
        for round in 0..<1000 {
            let connection = ConnectionID("connection-\(round)")
            let first = try entity("entity-\(round)")
            let second = try entity("entity-\(round)-b")
            #expect(store.subscribe(connection, to: first, limit: 10) == .subscribed)
            #expect(store.subscribe(connection, to: second, limit: 10) == .subscribed)
            if round.isMultiple(of: 2) {
                store.removeAll(for: connection)
            } else {
                store.unsubscribe(connection, from: first)
                store.unsubscribe(connection, from: second)
            }
        }
        let statistics = store.statistics
        #expect(statistics.liveConnections == 0)
        #expect(statistics.liveEntities == 0)
        #expect(statistics.connectionSlots == 1)
        #expect(statistics.entitySlots == 2)
        #expect(store.count() == 0)
        #expect(store.invariantViolations() == [])
    }

    @Test func swapRemovalKeepsEveryLinkPointingAtItsTwin() throws {
        let store = InMemorySubscriptionStore()
        let connections = (0..<20).map { ConnectionID("c\($0)") }
        let entities = try (0..<20).map { try entity("e\($0)") }
        for (i, connection) in connections.enumerated() {
            for (j, entity) in entities.enumerated() where (i + j).isMultiple(of: 3) || i == j {
                _ = store.subscribe(connection, to: entity, limit: 100)
            }
        }
        // Remove from the middle of both kinds of array, so that swaps move links on both sides.
        for (i, connection) in connections.enumerated() where i.isMultiple(of: 4) {
            store.unsubscribe(connection, from: entities[(i + 5) % 20])
            store.unsubscribe(connection, from: entities[i])
        }
        for (i, connection) in connections.enumerated() where i % 4 == 1 {
            store.removeAll(for: connection)
        }
        #expect(store.invariantViolations() == [])
        for (j, entity) in entities.enumerated() {
            let expected = connections.enumerated().filter { i, _ in
                let held = (i + j).isMultiple(of: 3) || i == j
                let unsubscribed = i.isMultiple(of: 4) && (j == (i + 5) % 20 || j == i)
                return held && !unsubscribed && i % 4 != 1
            }.map(\.element)
            #expect(store.subscribers(of: entity).sorted() == expected.sorted(), "subscribers of \(entity)")
        }
    }

    @Test func snapshotMatchesSubscribers() throws {
        let store = InMemorySubscriptionStore()
        let game = try entity("game-1")
        for index in 0..<50 {
            _ = store.subscribe(ConnectionID("c\(index)"), to: game, limit: 10)
        }
        let provider: any SubscriberSnapshotProviding = store
        #expect(provider.subscriberSnapshot(of: game).sorted() == store.subscribers(of: game).sorted())
        #expect(provider.subscriberSnapshot(of: game).count == 50)
        #expect(store.subscriberCount(of: game) == 50)
        #expect(provider.subscriberSnapshot(of: try entity("nothing")) == [])
    }

    @Test func popularEntityShrinksAfterMostSubscribersLeave() throws {
        let store = InMemorySubscriptionStore()
        let game = try entity("game-1")
        for index in 0..<1000 {
            _ = store.subscribe(ConnectionID("c\(index)"), to: game, limit: 10)
        }
        for index in 0..<990 {
            store.removeAll(for: ConnectionID("c\(index)"))
        }
        #expect(store.subscribers(of: game).sorted() == (990..<1000).map { ConnectionID("c\($0)") }.sorted())
        #expect(store.invariantViolations() == [])
    }

    @Test func worksThroughTheProtocol() async throws {
        let store: any SubscriptionStore = InMemorySubscriptionStore()
        let game = try entity("game-1")
        #expect(try await store.subscribe(ConnectionID("a"), to: game, limit: 1) == .subscribed)
        #expect(try await store.subscribers(of: game) == [ConnectionID("a")])
        #expect(try await store.count() == 1)
    }
}
