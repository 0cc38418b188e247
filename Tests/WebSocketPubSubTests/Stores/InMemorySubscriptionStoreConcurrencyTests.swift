import Testing
import WebSocketPubSub

@Suite("InMemorySubscriptionStore under concurrency")
struct InMemorySubscriptionStoreConcurrencyTests {
    @Test func concurrentSubscribesUnsubscribesAndRemovalsLeaveBothDirectionsConsistent() async throws {
        let store = InMemorySubscriptionStore()
        let entities = try (0..<24).map { try EntityID(validating: "entity-\($0)") }
        let connections = (0..<16).map { ConnectionID("connection-\($0)") }
        let limit = 8
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<64 {
                group.addTask {
                    var state = UInt64(task) &* 0x9E37_79B9_7F4A_7C15 | 1
                    for _ in 0..<300 {
                        state ^= state << 13
                        state ^= state >> 7
                        state ^= state << 17
                        let connection = connections[Int(state % UInt64(connections.count))]
                        let entity = entities[Int((state >> 16) % UInt64(entities.count))]
                        switch (state >> 32) % 20 {
                        case 0..<11: _ = store.subscribe(connection, to: entity, limit: limit)
                        case 11..<17: store.unsubscribe(connection, from: entity)
                        case 17..<19: _ = store.subscribers(of: entity)
                        default: store.removeAll(for: connection)
                        }
                    }
                }
            }
        }
        #expect(store.invariantViolations() == [])
        var forward = Set<String>()
        for connection in connections {
            let held = store.subscriptions(of: connection)
            #expect(held.count <= limit)
            #expect(Set(held).count == held.count)
            forward.formUnion(held.map { "\(connection)|\($0)" })
        }
        var backward = Set<String>()
        for entity in entities {
            let subscribers = store.subscribers(of: entity)
            #expect(Set(subscribers).count == subscribers.count)
            backward.formUnion(subscribers.map { "\($0)|\(entity)" })
        }
        #expect(forward == backward)
        #expect(store.count() == forward.count)
    }

    @Test func concurrentSubscribesOfOneConnectionStopAtTheLimit() async throws {
        let store = InMemorySubscriptionStore()
        let entities = try (0..<200).map { try EntityID(validating: "entity-\($0)") }
        let outcomes = await withTaskGroup(of: SubscribeOutcome.self) { group in
            for entity in entities {
                group.addTask { store.subscribe(ConnectionID("a"), to: entity, limit: 128) }
            }
            var outcomes: [SubscribeOutcome] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        #expect(outcomes.filter { $0 == .subscribed }.count == 128)
        #expect(outcomes.filter { $0 == .limitReached(limit: 128) }.count == 72)
        #expect(store.subscriptions(of: ConnectionID("a")).count == 128)
        #expect(store.invariantViolations() == [])
    }
}
