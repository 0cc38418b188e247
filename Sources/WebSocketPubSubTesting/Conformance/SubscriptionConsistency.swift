import WebSocketPubSub

/// Checks that a subscription store's two directions describe the same set of pairs.
enum SubscriptionConsistency {
    private struct Pair: Hashable, Comparable, CustomStringConvertible {
        var connection: ConnectionID
        var entity: EntityID

        static func < (lhs: Pair, rhs: Pair) -> Bool {
            (lhs.connection, lhs.entity) < (rhs.connection, rhs.entity)
        }

        var description: String { "(\(ConformanceRecorder.show(connection)), \(ConformanceRecorder.show(entity)))" }
    }

    /// Reads both directions for every identifier the check used and records every disagreement:
    /// duplicates, a pair seen from one side only, a `count()` that differs, and, when `model` is
    /// given, any difference from it.
    static func expect(
        _ r: ConformanceRecorder,
        _ store: any SubscriptionStore,
        connections: [ConnectionID],
        entities: [EntityID],
        model: SubscriptionModel?,
        after what: String
    ) async throws {
        var forward: [Pair] = []
        for connection in connections {
            let held = try await store.subscriptions(of: connection)
            let duplicates = ConformanceRecorder.duplicates(in: held)
            r.expect(
                duplicates.isEmpty,
                "after \(what): subscriptions(of: \(connection)) lists more than once \(ConformanceRecorder.show(duplicates))"
            )
            forward += held.map { Pair(connection: connection, entity: $0) }
        }
        var backward: [Pair] = []
        for entity in entities {
            let subscribers = try await store.subscribers(of: entity)
            let duplicates = ConformanceRecorder.duplicates(in: subscribers)
            r.expect(
                duplicates.isEmpty,
                "after \(what): subscribers(of: \(ConformanceRecorder.show(entity))) lists more than once \(ConformanceRecorder.show(duplicates))"
            )
            backward += subscribers.map { Pair(connection: $0, entity: entity) }
        }
        let forwardSet = Set(forward)
        let backwardSet = Set(backward)
        let onlyForward = forwardSet.subtracting(backwardSet).sorted()
        let onlyBackward = backwardSet.subtracting(forwardSet).sorted()
        r.expect(
            onlyForward.isEmpty,
            "after \(what): pairs listed by subscriptions(of:) but not by subscribers(of:): \(onlyForward.prefix(8))"
        )
        r.expect(
            onlyBackward.isEmpty,
            "after \(what): pairs listed by subscribers(of:) but not by subscriptions(of:): \(onlyBackward.prefix(8))"
        )
        r.expectEqual(try await store.count(), forwardSet.count, "after \(what): count() against the pairs listed")
        if let model {
            let expected = Set(
                model.pairs.flatMap { connection, entities in
                    entities.map { Pair(connection: connection, entity: $0) }
                })
            let missing = expected.subtracting(forwardSet).sorted()
            let extra = forwardSet.subtracting(expected).sorted()
            r.expect(missing.isEmpty, "after \(what): pairs missing from the store: \(missing.prefix(8))")
            r.expect(extra.isEmpty, "after \(what): pairs the store should not hold: \(extra.prefix(8))")
        }
    }
}
