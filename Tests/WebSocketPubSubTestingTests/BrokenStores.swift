import Foundation
import WebSocketPubSub

/// Subscription stores that each break one rule of the contract, to prove the suite notices.
enum BrokenSubscriptionStore {
    /// Lets a connection hold one subscription more than the limit.
    struct OffByOneLimit: SubscriptionStore {
        let base = InMemorySubscriptionStore()

        func subscribe(_ connection: ConnectionID, to entity: EntityID, limit: Int) -> SubscribeOutcome {
            switch base.subscribe(connection, to: entity, limit: limit + 1) {
            case .limitReached: .limitReached(limit: limit)
            case let outcome: outcome
            }
        }

        func unsubscribe(_ connection: ConnectionID, from entity: EntityID) -> Bool {
            base.unsubscribe(connection, from: entity)
        }

        func removeAll(for connection: ConnectionID) -> Int { base.removeAll(for: connection) }
        func subscribers(of entity: EntityID) -> [ConnectionID] { base.subscribers(of: entity) }
        func subscriptions(of connection: ConnectionID) -> [EntityID] { base.subscriptions(of: connection) }
        func count() -> Int { base.count() }
    }

    /// Reports `.subscribed` for a pair that already exists.
    struct NonIdempotentSubscribe: SubscriptionStore {
        let base = InMemorySubscriptionStore()

        func subscribe(_ connection: ConnectionID, to entity: EntityID, limit: Int) -> SubscribeOutcome {
            switch base.subscribe(connection, to: entity, limit: limit) {
            case .alreadySubscribed: .subscribed
            case let outcome: outcome
            }
        }

        func unsubscribe(_ connection: ConnectionID, from entity: EntityID) -> Bool {
            base.unsubscribe(connection, from: entity)
        }

        func removeAll(for connection: ConnectionID) -> Int { base.removeAll(for: connection) }
        func subscribers(of entity: EntityID) -> [ConnectionID] { base.subscribers(of: entity) }
        func subscriptions(of connection: ConnectionID) -> [EntityID] { base.subscriptions(of: connection) }
        func count() -> Int { base.count() }
    }

    /// Forgets the entity-to-connection direction in `removeAll`, as a store with two tables might.
    actor OneWayRemoveAll: SubscriptionStore {
        private var forward: [ConnectionID: Set<EntityID>] = [:]
        private var backward: [EntityID: Set<ConnectionID>] = [:]

        func subscribe(_ connection: ConnectionID, to entity: EntityID, limit: Int) -> SubscribeOutcome {
            let held = forward[connection, default: []]
            if held.contains(entity) { return .alreadySubscribed }
            if held.count >= limit { return .limitReached(limit: limit) }
            forward[connection, default: []].insert(entity)
            backward[entity, default: []].insert(connection)
            return .subscribed
        }

        func unsubscribe(_ connection: ConnectionID, from entity: EntityID) -> Bool {
            guard forward[connection]?.remove(entity) != nil else { return false }
            backward[entity]?.remove(connection)
            return true
        }

        func removeAll(for connection: ConnectionID) -> Int {
            forward.removeValue(forKey: connection)?.count ?? 0
        }

        func subscribers(of entity: EntityID) -> [ConnectionID] { Array(backward[entity] ?? []) }
        func subscriptions(of connection: ConnectionID) -> [EntityID] { Array(forward[connection] ?? []) }
        func count() -> Int { forward.values.reduce(0) { $0 + $1.count } }
    }

    /// Checks the limit, suspends, then inserts: concurrent subscribes of one connection overshoot.
    actor CheckThenAct: SubscriptionStore {
        private var forward: [ConnectionID: Set<EntityID>] = [:]

        func subscribe(_ connection: ConnectionID, to entity: EntityID, limit: Int) async -> SubscribeOutcome {
            let held = forward[connection, default: []]
            if held.contains(entity) { return .alreadySubscribed }
            if held.count >= limit { return .limitReached(limit: limit) }
            // A database round trip between the check and the insert.
            await Task.yield()
            forward[connection, default: []].insert(entity)
            return .subscribed
        }

        func unsubscribe(_ connection: ConnectionID, from entity: EntityID) -> Bool {
            forward[connection]?.remove(entity) != nil
        }

        func removeAll(for connection: ConnectionID) -> Int {
            forward.removeValue(forKey: connection)?.count ?? 0
        }

        func subscribers(of entity: EntityID) -> [ConnectionID] {
            forward.compactMap { $0.value.contains(entity) ? $0.key : nil }
        }

        func subscriptions(of connection: ConnectionID) -> [EntityID] { Array(forward[connection] ?? []) }
        func count() -> Int { forward.values.reduce(0) { $0 + $1.count } }
    }

    /// Folds entity ids to lower case, as a database column with a case-insensitive collation does.
    struct CaseInsensitiveEntities: SubscriptionStore {
        let base = InMemorySubscriptionStore()

        private func fold(_ entity: EntityID) -> EntityID {
            (try? EntityID(validating: entity.rawValue.lowercased())) ?? entity
        }

        func subscribe(_ connection: ConnectionID, to entity: EntityID, limit: Int) -> SubscribeOutcome {
            base.subscribe(connection, to: fold(entity), limit: limit)
        }

        func unsubscribe(_ connection: ConnectionID, from entity: EntityID) -> Bool {
            base.unsubscribe(connection, from: fold(entity))
        }

        func removeAll(for connection: ConnectionID) -> Int { base.removeAll(for: connection) }
        func subscribers(of entity: EntityID) -> [ConnectionID] { base.subscribers(of: fold(entity)) }
        func subscriptions(of connection: ConnectionID) -> [EntityID] { base.subscriptions(of: connection) }
        func count() -> Int { base.count() }
    }
}

/// Connection stores that each break one rule of the contract.
enum BrokenConnectionStore {
    /// Treats a connection last active exactly at the cutoff as idle.
    struct InclusiveCutoff: ConnectionStore {
        let base = InMemoryConnectionStore()

        func idleConnections(lastActiveBefore cutoff: Date, limit: Int) -> [ConnectionID] {
            base.idleConnections(lastActiveBefore: cutoff.addingTimeInterval(0.001), limit: limit)
        }

        func insert(_ connection: Connection) { base.insert(connection) }
        func connection(_ id: ConnectionID) -> Connection? { base.connection(id) }
        func remove(_ id: ConnectionID) -> Connection? { base.remove(id) }
        func touch(_ id: ConnectionID, at date: Date) { base.touch(id, at: date) }
        func count() -> Int { base.count() }
    }

    /// Keeps the first record when the same id is inserted again.
    struct InsertKeepsFirst: ConnectionStore {
        let base = InMemoryConnectionStore()

        func insert(_ connection: Connection) {
            if base.connection(connection.id) == nil { base.insert(connection) }
        }

        func idleConnections(lastActiveBefore cutoff: Date, limit: Int) -> [ConnectionID] {
            base.idleConnections(lastActiveBefore: cutoff, limit: limit)
        }

        func connection(_ id: ConnectionID) -> Connection? { base.connection(id) }
        func remove(_ id: ConnectionID) -> Connection? { base.remove(id) }
        func touch(_ id: ConnectionID, at date: Date) { base.touch(id, at: date) }
        func count() -> Int { base.count() }
    }

    /// Creates a record when an unknown id is touched.
    struct TouchCreates: ConnectionStore {
        let base = InMemoryConnectionStore()

        func touch(_ id: ConnectionID, at date: Date) {
            if base.connection(id) == nil {
                base.insert(Connection(id: id, connectedAt: date))
            } else {
                base.touch(id, at: date)
            }
        }

        func insert(_ connection: Connection) { base.insert(connection) }
        func idleConnections(lastActiveBefore cutoff: Date, limit: Int) -> [ConnectionID] {
            base.idleConnections(lastActiveBefore: cutoff, limit: limit)
        }

        func connection(_ id: ConnectionID) -> Connection? { base.connection(id) }
        func remove(_ id: ConnectionID) -> Connection? { base.remove(id) }
        func count() -> Int { base.count() }
    }
}
