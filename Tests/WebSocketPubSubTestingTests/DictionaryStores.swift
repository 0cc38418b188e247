import Foundation
import WebSocketPubSub

/// A connection store written the way a user would: an actor over a dictionary keyed by the raw
/// string, with none of the in-memory store's machinery.
actor DictionaryConnectionStore: ConnectionStore {
    private var rows: [String: Connection] = [:]

    func insert(_ connection: Connection) {
        rows[connection.id.rawValue] = connection
    }

    func connection(_ id: ConnectionID) -> Connection? {
        rows[id.rawValue]
    }

    func remove(_ id: ConnectionID) -> Connection? {
        rows.removeValue(forKey: id.rawValue)
    }

    func touch(_ id: ConnectionID, at date: Date) {
        rows[id.rawValue]?.lastActiveAt = date
    }

    func idleConnections(lastActiveBefore cutoff: Date, limit: Int) -> [ConnectionID] {
        Array(rows.values.filter { $0.lastActiveAt < cutoff }.map(\.id).prefix(max(0, limit)))
    }

    func count() -> Int {
        rows.count
    }
}

/// A subscription store of another shape: one `[String: Set<String>]` from connection to entities,
/// with fan-out answered by scanning it. Slow for fan-out, but a correct implementation of the contract.
actor DictionarySubscriptionStore: SubscriptionStore {
    private var entitiesByConnection: [String: Set<String>] = [:]

    func subscribe(_ connection: ConnectionID, to entity: EntityID, limit: Int) -> SubscribeOutcome {
        let held = entitiesByConnection[connection.rawValue, default: []]
        if held.contains(entity.rawValue) { return .alreadySubscribed }
        if held.count >= limit { return .limitReached(limit: limit) }
        entitiesByConnection[connection.rawValue, default: []].insert(entity.rawValue)
        return .subscribed
    }

    func unsubscribe(_ connection: ConnectionID, from entity: EntityID) -> Bool {
        guard entitiesByConnection[connection.rawValue]?.remove(entity.rawValue) != nil else { return false }
        if entitiesByConnection[connection.rawValue]?.isEmpty == true {
            entitiesByConnection[connection.rawValue] = nil
        }
        return true
    }

    func removeAll(for connection: ConnectionID) -> Int {
        entitiesByConnection.removeValue(forKey: connection.rawValue)?.count ?? 0
    }

    func subscribers(of entity: EntityID) -> [ConnectionID] {
        entitiesByConnection.compactMap { $0.value.contains(entity.rawValue) ? ConnectionID($0.key) : nil }
    }

    func subscriptions(of connection: ConnectionID) throws -> [EntityID] {
        try entitiesByConnection[connection.rawValue, default: []].map { try EntityID(validating: $0) }
    }

    func count() -> Int {
        entitiesByConnection.values.reduce(0) { $0 + $1.count }
    }
}
