import Foundation
import WebSocketPubSub

/// A connection store written the way a user would: an actor over a dictionary keyed by the id
/// itself (which compares bytes), with none of the in-memory store's machinery.
actor DictionaryConnectionStore: ConnectionStore {
    private var rows: [ConnectionID: Connection] = [:]

    func insert(_ connection: Connection) {
        rows[connection.id] = connection
    }

    func connection(_ id: ConnectionID) -> Connection? {
        rows[id]
    }

    func remove(_ id: ConnectionID) -> Connection? {
        rows.removeValue(forKey: id)
    }

    func touch(_ id: ConnectionID, at date: Date) {
        rows[id]?.lastActiveAt = date
    }

    func idleConnections(lastActiveBefore cutoff: Date, limit: Int) -> [ConnectionID] {
        Array(rows.values.filter { $0.lastActiveAt < cutoff }.map(\.id).prefix(max(0, limit)))
    }

    func count() -> Int {
        rows.count
    }
}

/// A subscription store of another shape: one dictionary from connection to entities, with fan-out
/// answered by scanning it. Slow for fan-out, but a correct implementation of the contract.
actor DictionarySubscriptionStore: SubscriptionStore {
    private var entitiesByConnection: [ConnectionID: Set<EntityID>] = [:]

    func subscribe(_ connection: ConnectionID, to entity: EntityID, limit: Int) -> SubscribeOutcome {
        let held = entitiesByConnection[connection, default: []]
        if held.contains(entity) { return .alreadySubscribed }
        if held.count >= limit { return .limitReached(limit: limit) }
        entitiesByConnection[connection, default: []].insert(entity)
        return .subscribed
    }

    func unsubscribe(_ connection: ConnectionID, from entity: EntityID) -> Bool {
        guard entitiesByConnection[connection]?.remove(entity) != nil else { return false }
        if entitiesByConnection[connection]?.isEmpty == true {
            entitiesByConnection[connection] = nil
        }
        return true
    }

    func removeAll(for connection: ConnectionID) -> Int {
        entitiesByConnection.removeValue(forKey: connection)?.count ?? 0
    }

    func subscribers(of entity: EntityID) -> [ConnectionID] {
        entitiesByConnection.compactMap { $0.value.contains(entity) ? $0.key : nil }
    }

    func subscriptions(of connection: ConnectionID) -> [EntityID] {
        Array(entitiesByConnection[connection, default: []])
    }

    func count() -> Int {
        entitiesByConnection.values.reduce(0) { $0 + $1.count }
    }
}

/// Stores that refuse identifiers holding U+0000, as the PostgreSQL example's do (a `text` column
/// cannot hold one): writes throw, lookups find nothing. The contract allows refusing; only altering
/// an id is wrong.
enum RefusesNUL {
    struct Refused: Error {}

    static func holdsNUL(_ text: String) -> Bool { text.utf8.contains(0) }

    struct Connections: ConnectionStore {
        let base = InMemoryConnectionStore()

        func insert(_ connection: Connection) throws {
            if RefusesNUL.holdsNUL(connection.id.rawValue)
                || connection.attributes.values.contains(where: RefusesNUL.holdsNUL)
            {
                throw Refused()
            }
            base.insert(connection)
        }

        func connection(_ id: ConnectionID) -> Connection? { base.connection(id) }
        func remove(_ id: ConnectionID) -> Connection? { base.remove(id) }
        func touch(_ id: ConnectionID, at date: Date) { base.touch(id, at: date) }
        func idleConnections(lastActiveBefore cutoff: Date, limit: Int) -> [ConnectionID] {
            base.idleConnections(lastActiveBefore: cutoff, limit: limit)
        }

        func count() -> Int { base.count() }
    }

    struct Subscriptions: SubscriptionStore {
        let base = InMemorySubscriptionStore()

        func subscribe(_ connection: ConnectionID, to entity: EntityID, limit: Int) throws -> SubscribeOutcome {
            if RefusesNUL.holdsNUL(connection.rawValue) || RefusesNUL.holdsNUL(entity.rawValue) { throw Refused() }
            return base.subscribe(connection, to: entity, limit: limit)
        }

        func unsubscribe(_ connection: ConnectionID, from entity: EntityID) -> Bool {
            base.unsubscribe(connection, from: entity)
        }

        func removeAll(for connection: ConnectionID) -> Int { base.removeAll(for: connection) }
        func subscribers(of entity: EntityID) -> [ConnectionID] { base.subscribers(of: entity) }
        func subscriptions(of connection: ConnectionID) -> [EntityID] { base.subscriptions(of: connection) }
        func count() -> Int { base.count() }
    }
}
