import WebSocketPubSub

/// The ``SubscriptionStore`` contract written as plainly as possible, to compare a store against.
struct SubscriptionModel: Sendable {
    private(set) var pairs: [ConnectionID: Set<EntityID>] = [:]

    var count: Int { pairs.values.reduce(0) { $0 + $1.count } }

    mutating func subscribe(_ connection: ConnectionID, to entity: EntityID, limit: Int) -> SubscribeOutcome {
        let held = pairs[connection, default: []]
        if held.contains(entity) { return .alreadySubscribed }
        if held.count >= limit { return .limitReached(limit: limit) }
        pairs[connection, default: []].insert(entity)
        return .subscribed
    }

    mutating func unsubscribe(_ connection: ConnectionID, from entity: EntityID) -> Bool {
        guard pairs[connection]?.remove(entity) != nil else { return false }
        if pairs[connection]?.isEmpty == true { pairs[connection] = nil }
        return true
    }

    mutating func removeAll(for connection: ConnectionID) -> Int {
        pairs.removeValue(forKey: connection)?.count ?? 0
    }

    func subscriptions(of connection: ConnectionID) -> [EntityID] {
        Array(pairs[connection] ?? [])
    }
}
