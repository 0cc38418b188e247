import Testing
import WebSocketPubSub

/// The index keeps leaving members as holes and compacts sparse entities; these tests drive it
/// through long random scripts and compare it with a plain set of pairs after every phase.
@Suite("SubscriptionIndex: holes, their reuse and compaction")
struct SubscriptionIndexModelTests {
    private typealias SplitMix64 = ConnectionNumberTableTests.SplitMix64

    private struct Pair: Hashable {
        var connection: Int
        var entity: Int
    }

    /// Checks the store against the model: counts, both directions, and the index's invariants.
    private func expectAgreement(
        _ store: InMemorySubscriptionStore, _ model: Set<Pair>, connections: [ConnectionID], entities: [EntityID],
        _ comment: Comment
    ) {
        #expect(store.count() == model.count, comment)
        #expect(store.invariantViolations() == [], comment)
        for (e, entity) in entities.enumerated() {
            let expected = model.filter { $0.entity == e }.map { connections[$0.connection] }
            #expect(store.subscribers(of: entity).sorted() == expected.sorted(), comment)
            #expect(store.subscriberCount(of: entity) == expected.count, comment)
        }
        for (c, connection) in connections.enumerated() {
            let expected = model.filter { $0.connection == c }.map { entities[$0.entity] }
            #expect(
                store.subscriptions(of: connection).sorted { $0.rawValue < $1.rawValue }
                    == expected.sorted { $0.rawValue < $1.rawValue }, comment)
        }
    }

    @Test func agreesWithASetOfPairsThroughChurnRemovalsAndDisconnects() throws {
        var generator = SplitMix64(state: 11)
        let connections =
            (0..<150).map { _ in ConnectionID.random(using: &generator) } + (0..<50).map { ConnectionID("host-\($0)") }
        // Few entities, so that each gets many members, holes and compactions.
        let entities = try (0..<12).map { try EntityID(validating: "entity-\($0)") }
        let store = InMemorySubscriptionStore()
        var model = Set<Pair>()
        for phase in 0..<6 {
            // Phases alternate between growing and draining, so that entities fill, empty and refill.
            let subscribePercent: UInt64 = phase.isMultiple(of: 2) ? 75 : 20
            for _ in 0..<3_000 {
                let pair = Pair(
                    connection: Int(generator.next() % UInt64(connections.count)),
                    entity: Int(generator.next() % UInt64(entities.count)))
                let (connection, entity) = (connections[pair.connection], entities[pair.entity])
                let roll = generator.next() % 100
                if roll < subscribePercent {
                    let outcome = store.subscribe(connection, to: entity, limit: 128)
                    #expect(outcome == (model.insert(pair).inserted ? .subscribed : .alreadySubscribed))
                } else if roll < 98 {
                    #expect(store.unsubscribe(connection, from: entity) == (model.remove(pair) != nil))
                } else {
                    let held = model.filter { $0.connection == pair.connection }
                    #expect(store.removeAll(for: connection) == held.count)
                    model.subtract(held)
                }
            }
            expectAgreement(store, model, connections: connections, entities: entities, "after phase \(phase)")
        }
        for connection in connections { store.removeAll(for: connection) }
        #expect(store.count() == 0)
        #expect(store.statistics.liveEntities == 0)
        #expect(store.invariantViolations() == [])
    }

    @Test func aLeavingMembersPlaceIsTakenByTheNextSubscriber() throws {
        let store = InMemorySubscriptionStore()
        let game = try EntityID(validating: "game")
        let members = (0..<10).map { ConnectionID("c\($0)") }
        for connection in members { _ = store.subscribe(connection, to: game, limit: 4) }
        // Below the compaction threshold, holes stay: three leave from the middle, three arrive.
        for index in [2, 5, 7] { store.unsubscribe(members[index], from: game) }
        #expect(store.invariantViolations() == [])
        let arrivals = (10..<13).map { ConnectionID("c\($0)") }
        for connection in arrivals { _ = store.subscribe(connection, to: game, limit: 4) }
        #expect(store.invariantViolations() == [])
        let expected = members.enumerated().filter { ![2, 5, 7].contains($0.offset) }.map(\.element) + arrivals
        #expect(store.subscribers(of: game).sorted() == expected.sorted())
        // The arrivals filled the holes: still ten positions.
        #expect(store.statistics.memberPositions == 10)
        // A fourth arrival finds no hole and takes an eleventh.
        _ = store.subscribe(ConnectionID("c13"), to: game, limit: 4)
        #expect(store.statistics.memberPositions == 11)
        #expect(store.invariantViolations() == [])
    }

    @Test func aSparseEntityIsCompactedAndItsSubscribersKeepTheirOtherSubscriptions() throws {
        let store = InMemorySubscriptionStore()
        let game = try EntityID(validating: "game")
        let other = try EntityID(validating: "other")
        let connections = (0..<100).map { ConnectionID("c\($0)") }
        for connection in connections {
            _ = store.subscribe(connection, to: other, limit: 4)
            _ = store.subscribe(connection, to: game, limit: 4)
        }
        // Three of every four leave: holes come to outnumber members, so the entity is compacted,
        // and the members that stay move forward over the holes.
        for (index, connection) in connections.enumerated() where index % 4 != 3 {
            store.unsubscribe(connection, from: game)
            #expect(store.invariantViolations() == [], "after removing c\(index)")
        }
        #expect(
            store.subscribers(of: game).sorted()
                == connections.enumerated().filter { $0.offset % 4 == 3 }
                .map(\.element).sorted())
        #expect(store.subscriberCount(of: other) == 100)
        // 25 members of game in at most 50 positions, 100 of other in 100.
        #expect(store.statistics.memberPositions <= 150)
        // Removing a compacted entity's members through their connections finds each one's place.
        for (index, connection) in connections.enumerated() {
            #expect(store.removeAll(for: connection) == (index % 4 == 3 ? 2 : 1))
        }
        #expect(store.count() == 0)
        #expect(store.invariantViolations() == [])
    }
}
