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

    /// Cuts ids at the first U+0000, as a SQLite `TEXT` column does when the driver binds a Swift
    /// `String` as a NUL-terminated C string: `"nul\u{0}inside"` is stored as `"nul"`.
    struct TruncatesAtNUL: SubscriptionStore {
        let base = InMemorySubscriptionStore()

        func subscribe(_ connection: ConnectionID, to entity: EntityID, limit: Int) throws -> SubscribeOutcome {
            base.subscribe(CString.cut(connection), to: try CString.cut(entity), limit: limit)
        }

        func unsubscribe(_ connection: ConnectionID, from entity: EntityID) throws -> Bool {
            base.unsubscribe(CString.cut(connection), from: try CString.cut(entity))
        }

        func removeAll(for connection: ConnectionID) -> Int { base.removeAll(for: CString.cut(connection)) }
        func subscribers(of entity: EntityID) throws -> [ConnectionID] { base.subscribers(of: try CString.cut(entity)) }
        func subscriptions(of connection: ConnectionID) -> [EntityID] {
            base.subscriptions(of: CString.cut(connection))
        }
        func count() -> Int { base.count() }
    }

    /// Keys by Swift `String`, whose `==` and hash treat canonically equivalent spellings as one:
    /// precomposed `"caf\u{E9}"` and decomposed `"cafe\u{301}"` become one entity.
    actor StringKeyed: SubscriptionStore {
        private var entitiesByConnection: [String: Set<String>] = [:]

        func subscribe(_ connection: ConnectionID, to entity: EntityID, limit: Int) -> SubscribeOutcome {
            let held = entitiesByConnection[connection.rawValue, default: []]
            if held.contains(entity.rawValue) { return .alreadySubscribed }
            if held.count >= limit { return .limitReached(limit: limit) }
            entitiesByConnection[connection.rawValue, default: []].insert(entity.rawValue)
            return .subscribed
        }

        func unsubscribe(_ connection: ConnectionID, from entity: EntityID) -> Bool {
            entitiesByConnection[connection.rawValue]?.remove(entity.rawValue) != nil
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

        func count() -> Int { entitiesByConnection.values.reduce(0) { $0 + $1.count } }
    }
}

/// What a driver that binds a Swift `String` as a C string stores: the text up to the first U+0000.
enum CString {
    static func cut(_ text: String) -> String {
        String(decoding: text.utf8.prefix { $0 != 0 }, as: UTF8.self)
    }

    static func cut(_ id: ConnectionID) -> ConnectionID { ConnectionID(cut(id.rawValue)) }

    /// Throws for an id that is U+0000 first: nothing is left of it.
    static func cut(_ id: EntityID) throws -> EntityID { try EntityID(validating: cut(id.rawValue)) }
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

    /// Cuts ids at the first U+0000 (see ``BrokenSubscriptionStore/TruncatesAtNUL``).
    struct TruncatesAtNUL: ConnectionStore {
        let base = InMemoryConnectionStore()

        func insert(_ connection: Connection) {
            var stored = connection
            stored.id = CString.cut(connection.id)
            base.insert(stored)
        }

        func connection(_ id: ConnectionID) -> Connection? { base.connection(CString.cut(id)) }
        func remove(_ id: ConnectionID) -> Connection? { base.remove(CString.cut(id)) }
        func touch(_ id: ConnectionID, at date: Date) { base.touch(CString.cut(id), at: date) }
        func idleConnections(lastActiveBefore cutoff: Date, limit: Int) -> [ConnectionID] {
            base.idleConnections(lastActiveBefore: cutoff, limit: limit)
        }

        func count() -> Int { base.count() }
    }

    /// Keys by Swift `String`, which merges canonically equivalent ids (see ``BrokenSubscriptionStore/StringKeyed``).
    actor StringKeyed: ConnectionStore {
        private var rows: [String: Connection] = [:]

        func insert(_ connection: Connection) { rows[connection.id.rawValue] = connection }
        func connection(_ id: ConnectionID) -> Connection? { rows[id.rawValue] }
        func remove(_ id: ConnectionID) -> Connection? { rows.removeValue(forKey: id.rawValue) }
        func touch(_ id: ConnectionID, at date: Date) { rows[id.rawValue]?.lastActiveAt = date }
        func idleConnections(lastActiveBefore cutoff: Date, limit: Int) -> [ConnectionID] {
            Array(rows.values.filter { $0.lastActiveAt < cutoff }.map(\.id).prefix(max(0, limit)))
        }

        func count() -> Int { rows.count }
    }

    /// Passes a negative limit through, as `LIMIT ?` does in SQLite, where a negative limit means none.
    struct NegativeLimitUnbounded: ConnectionStore {
        let base = InMemoryConnectionStore()

        func idleConnections(lastActiveBefore cutoff: Date, limit: Int) -> [ConnectionID] {
            base.idleConnections(lastActiveBefore: cutoff, limit: limit < 0 ? Int.max : limit)
        }

        func insert(_ connection: Connection) { base.insert(connection) }
        func connection(_ id: ConnectionID) -> Connection? { base.connection(id) }
        func remove(_ id: ConnectionID) -> Connection? { base.remove(id) }
        func touch(_ id: ConnectionID, at date: Date) { base.touch(id, at: date) }
        func count() -> Int { base.count() }
    }

    /// Stores an empty `remoteAddress` or `subprotocol` as NULL, so it comes back `nil`.
    struct EmptyStringsBecomeNil: ConnectionStore {
        let base = InMemoryConnectionStore()

        func insert(_ connection: Connection) {
            var stored = connection
            if stored.remoteAddress == "" { stored.remoteAddress = nil }
            if stored.subprotocol == "" { stored.subprotocol = nil }
            base.insert(stored)
        }

        func connection(_ id: ConnectionID) -> Connection? { base.connection(id) }
        func remove(_ id: ConnectionID) -> Connection? { base.remove(id) }
        func touch(_ id: ConnectionID, at date: Date) { base.touch(id, at: date) }
        func idleConnections(lastActiveBefore cutoff: Date, limit: Int) -> [ConnectionID] {
            base.idleConnections(lastActiveBefore: cutoff, limit: limit)
        }

        func count() -> Int { base.count() }
    }
}
