import WebSocketPubSub

/// The checks of ``SubscriptionStoreConformance``, one per rule of the ``SubscriptionStore`` contract.
enum SubscriptionStoreChecks {
    typealias Check = ConformanceCheck<any SubscriptionStore>
    private typealias F = ConformanceFixtures

    static let all: [Check] = [
        Check(
            name: "SubscriptionStore.subscribeStoresPairBothWays",
            cause: "subscribe does not store the pair so that both subscribers(of:) and subscriptions(of:) see it",
            guide: .indexBothDirections, body: subscribeStoresPairBothWays),
        Check(
            name: "SubscriptionStore.subscribeIsIdempotent",
            cause: "subscribing to a pair already held must return .alreadySubscribed and change nothing",
            guide: .subscriptionStore, body: subscribeIsIdempotent),
        Check(
            name: "SubscriptionStore.limitReachedExactlyAtLimit",
            cause:
                "the limit is off: refuse when the connection already holds limit pairs (held >= limit; limit <= 0 refuses all)",
            guide: .subscriptionStore, body: limitReachedExactlyAtLimit),
        Check(
            name: "SubscriptionStore.resubscribeAtLimitIsAlreadySubscribed",
            cause: "a pair already held is refused at the limit: look for the pair before checking the limit",
            guide: .subscriptionStore, body: resubscribeAtLimitIsAlreadySubscribed),
        Check(
            name: "SubscriptionStore.limitIsCountedPerConnection",
            cause: "the limit counts pairs of other connections: count only WHERE connection_id = the subscriber",
            guide: .subscriptionStore, body: limitIsCountedPerConnection),
        Check(
            name: "SubscriptionStore.unsubscribeMakesRoomUnderLimit",
            cause: "unsubscribe or removeAll does not free room under the limit (a counter left behind?)",
            guide: .subscriptionStore, body: unsubscribeMakesRoomUnderLimit),
        Check(
            name: "SubscriptionStore.unsubscribeReportsWhetherPairExisted",
            cause: "unsubscribe must return whether it removed a pair (rows deleted > 0)",
            guide: .subscriptionStore, body: unsubscribeReportsWhetherPairExisted),
        Check(
            name: "SubscriptionStore.removeAllRemovesEveryPairOfConnection",
            cause: "removeAll(for:) leaves pairs in one direction of the index, or returns the wrong count",
            guide: .indexBothDirections, body: removeAllRemovesEveryPairOfConnection),
        Check(
            name: "SubscriptionStore.subscribersListEachConnectionOnce",
            cause: "subscribers(of:) lists a connection twice or misses one (no primary key on the pair?)",
            guide: .subscriptionStore, body: subscribersListEachConnectionOnce),
        Check(
            name: "SubscriptionStore.subscriptionsListEachEntityOnce",
            cause: "subscriptions(of:) lists an entity twice or misses one (no primary key on the pair?)",
            guide: .subscriptionStore, body: subscriptionsListEachEntityOnce),
        Check(
            name: "SubscriptionStore.unknownIdentifiersHaveNothing",
            cause: "lookups of identifiers never subscribed return pairs, or count() is not 0 for a new store",
            guide: .subscriptionStore, body: unknownIdentifiersHaveNothing),
        Check(
            name: "SubscriptionStore.identifiersAreComparedExactly",
            cause: "ids are not kept byte for byte: folded, normalized, trimmed or truncated",
            guide: .identifiers, body: identifiersAreComparedExactly),
        Check(
            name: "SubscriptionStore.identifiersWithNULAreKeptOrRefused",
            cause: "an id with U+0000 inside is altered instead of kept or refused",
            guide: .identifiers, body: identifiersWithNULAreKeptOrRefused),
        Check(
            name: "SubscriptionStore.manyConnectionsAndEntities",
            cause: "pairs go missing, or the two directions disagree, once the store holds a few hundred",
            guide: .indexBothDirections, body: manyConnectionsAndEntities),
        Check(
            name: "SubscriptionStore.randomOperationsMatchModel",
            cause: "a sequence of subscribes, unsubscribes and removeAlls leaves the store unlike the contract's model",
            guide: .subscriptionStore, seeded: true, body: randomOperationsMatchModel),
        Check(
            name: "SubscriptionStore.concurrentSubscribesNeverExceedLimit",
            cause: "the limit check and the insert are two steps: concurrent subscribes of one connection overshoot",
            guide: .atomicLimitCheck, body: concurrentSubscribesNeverExceedLimit),
        Check(
            name: "SubscriptionStore.concurrentSubscribesOfOnePairStoreItOnce",
            cause:
                "concurrent subscribes of one pair both insert it (no primary key, or check and insert in two steps)",
            guide: .atomicLimitCheck, body: concurrentSubscribesOfOnePair),
        Check(
            name: "SubscriptionStore.concurrentMixedOperationsStayConsistent",
            cause:
                "concurrent operations leave the two directions of the index disagreeing, or a connection over its limit",
            guide: .atomicLimitCheck, seeded: true, body: concurrentMixedOperations),
    ]

    /// How many times the racing checks repeat their race.
    private static let concurrencyRounds = 4

    private static func c(_ text: String) -> ConnectionID { F.connection(text) }
    private static func e(_ text: String) throws -> EntityID { try F.entity(text) }

    static func subscribeStoresPairBothWays(
        _ r: ConformanceRecorder,
        _ store: any SubscriptionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        let game = try e("game-1")
        r.expectEqual(try await store.subscribe(c("a"), to: game, limit: 10), .subscribed, "first subscribe(a, game-1)")
        r.expectSameElements(try await store.subscribers(of: game), [c("a")], "subscribers(of: game-1)")
        r.expectSameElements(try await store.subscriptions(of: c("a")), [game], "subscriptions(of: a)")
        r.expectEqual(try await store.count(), 1, "count() after one subscribe")
    }

    static func subscribeIsIdempotent(
        _ r: ConformanceRecorder,
        _ store: any SubscriptionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        let game = try e("game-1")
        _ = try await store.subscribe(c("a"), to: game, limit: 10)
        r.expectEqual(
            try await store.subscribe(c("a"), to: game, limit: 10),
            .alreadySubscribed,
            "second subscribe(a, game-1)"
        )
        r.expectEqual(
            try await store.subscribe(c("a"), to: game, limit: 10),
            .alreadySubscribed,
            "third subscribe(a, game-1)"
        )
        r.expectEqual(try await store.count(), 1, "count() after subscribing one pair three times")
        r.expectEqual(try await store.subscribers(of: game), [c("a")], "subscribers(of: game-1)")
        r.expectEqual(try await store.subscriptions(of: c("a")), [game], "subscriptions(of: a)")
    }

    static func limitReachedExactlyAtLimit(
        _ r: ConformanceRecorder,
        _ store: any SubscriptionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        let entities = try (1...4).map { try e("entity-\($0)") }
        var outcomes: [SubscribeOutcome] = []
        for entity in entities {
            outcomes.append(try await store.subscribe(c("a"), to: entity, limit: 3))
        }
        r.expectEqual(
            outcomes,
            [.subscribed, .subscribed, .subscribed, .limitReached(limit: 3)],
            "four subscribes of one connection with limit 3"
        )
        r.expectEqual(try await store.count(), 3, "count() after a refused subscribe")
        r.expectSameElements(
            try await store.subscriptions(of: c("a")),
            Array(entities.prefix(3)),
            "subscriptions(of: a) after a refused subscribe"
        )
        r.expectEqual(try await store.subscribers(of: entities[3]), [], "subscribers of the refused entity")

        r.expectEqual(
            try await store.subscribe(c("b"), to: entities[0], limit: 1), .subscribed, "subscribe with limit 1")
        r.expectEqual(
            try await store.subscribe(c("b"), to: entities[1], limit: 1),
            .limitReached(limit: 1),
            "second subscribe with limit 1"
        )
        r.expectEqual(
            try await store.subscribe(c("z"), to: entities[0], limit: 0),
            .limitReached(limit: 0),
            "subscribe with limit 0"
        )
        r.expectEqual(
            try await store.subscribe(c("z"), to: entities[1], limit: -1),
            .limitReached(limit: -1),
            "subscribe with limit -1"
        )
        r.expectEqual(try await store.count(), 4, "count() after refusals")
    }

    static func resubscribeAtLimitIsAlreadySubscribed(
        _ r: ConformanceRecorder,
        _ store: any SubscriptionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        let first = try e("entity-1")
        let second = try e("entity-2")
        _ = try await store.subscribe(c("a"), to: first, limit: 2)
        _ = try await store.subscribe(c("a"), to: second, limit: 2)
        r.expectEqual(
            try await store.subscribe(c("a"), to: first, limit: 2),
            .alreadySubscribed,
            "subscribing again to a held entity while at the limit (the limit counts *other* subscriptions)"
        )
        r.expectEqual(try await store.count(), 2, "count() after re-subscribing at the limit")
    }

    static func limitIsCountedPerConnection(
        _ r: ConformanceRecorder,
        _ store: any SubscriptionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        let entities = try (1...3).map { try e("entity-\($0)") }
        for subscriber in ["x", "y", "z"] {
            _ = try await store.subscribe(c(subscriber), to: entities[0], limit: 2)
        }
        _ = try await store.subscribe(c("a"), to: entities[0], limit: 2)
        _ = try await store.subscribe(c("a"), to: entities[1], limit: 2)
        var outcomes: [SubscribeOutcome] = []
        for entity in entities {
            outcomes.append(try await store.subscribe(c("b"), to: entity, limit: 2))
        }
        r.expectEqual(
            outcomes,
            [.subscribed, .subscribed, .limitReached(limit: 2)],
            "subscribes of b with limit 2 while a holds 2 and entity-1 has 4 other subscribers"
        )
        r.expectEqual(try await store.count(), 7, "count()")
    }

    static func unsubscribeMakesRoomUnderLimit(
        _ r: ConformanceRecorder,
        _ store: any SubscriptionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        let entities = try (1...3).map { try e("entity-\($0)") }
        _ = try await store.subscribe(c("a"), to: entities[0], limit: 2)
        _ = try await store.subscribe(c("a"), to: entities[1], limit: 2)
        _ = try await store.unsubscribe(c("a"), from: entities[0])
        r.expectEqual(
            try await store.subscribe(c("a"), to: entities[2], limit: 2),
            .subscribed,
            "subscribe after unsubscribing one of two at limit 2"
        )
        _ = try await store.removeAll(for: c("a"))
        var outcomes: [SubscribeOutcome] = []
        for entity in entities {
            outcomes.append(try await store.subscribe(c("a"), to: entity, limit: 2))
        }
        r.expectEqual(
            outcomes,
            [.subscribed, .subscribed, .limitReached(limit: 2)],
            "subscribes after removeAll at limit 2"
        )
    }

    static func unsubscribeReportsWhetherPairExisted(
        _ r: ConformanceRecorder,
        _ store: any SubscriptionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        let game = try e("game-1")
        let other = try e("game-2")
        _ = try await store.subscribe(c("a"), to: game, limit: 10)
        _ = try await store.subscribe(c("a"), to: other, limit: 10)
        _ = try await store.subscribe(c("b"), to: game, limit: 10)
        r.expectEqual(try await store.unsubscribe(c("a"), from: game), true, "unsubscribe(a, game-1) of a stored pair")
        r.expectEqual(try await store.unsubscribe(c("a"), from: game), false, "unsubscribe(a, game-1) a second time")
        r.expectEqual(
            try await store.unsubscribe(c("a"), from: try e("never")),
            false,
            "unsubscribe of a known connection from an entity it never subscribed to"
        )
        r.expectEqual(
            try await store.unsubscribe(c("nobody"), from: game), false, "unsubscribe of an unknown connection")
        r.expectSameElements(
            try await store.subscribers(of: game), [c("b")], "subscribers(of: game-1) after unsubscribe")
        r.expectSameElements(
            try await store.subscriptions(of: c("a")), [other], "subscriptions(of: a) after unsubscribe")
        r.expectEqual(try await store.count(), 2, "count() after unsubscribe")
    }

    static func removeAllRemovesEveryPairOfConnection(
        _ r: ConformanceRecorder,
        _ store: any SubscriptionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        let entities = try (1...3).map { try e("entity-\($0)") }
        for entity in entities {
            _ = try await store.subscribe(c("a"), to: entity, limit: 10)
        }
        _ = try await store.subscribe(c("b"), to: entities[0], limit: 10)
        r.expectEqual(try await store.removeAll(for: c("a")), 3, "removeAll(for: a) holding 3")
        r.expectEqual(try await store.removeAll(for: c("a")), 0, "removeAll(for: a) a second time")
        r.expectEqual(try await store.removeAll(for: c("nobody")), 0, "removeAll(for:) an unknown connection")
        r.expectEqual(try await store.subscriptions(of: c("a")), [], "subscriptions(of: a) after removeAll")
        r.expectSameElements(try await store.subscribers(of: entities[0]), [c("b")], "subscribers(of: entity-1)")
        r.expectEqual(try await store.subscribers(of: entities[1]), [], "subscribers(of: entity-2)")
        r.expectEqual(try await store.count(), 1, "count() after removeAll")
    }

    static func subscribersListEachConnectionOnce(
        _ r: ConformanceRecorder,
        _ store: any SubscriptionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        let game = try e("game-1")
        let subscribers = (0..<5).map { c("conn-\($0)") }
        for _ in 0..<2 {
            for subscriber in subscribers {
                _ = try await store.subscribe(subscriber, to: game, limit: 10)
            }
        }
        _ = try await store.subscribe(c("conn-0"), to: try e("game-2"), limit: 10)
        r.expectSameElements(try await store.subscribers(of: game), subscribers, "subscribers(of: game-1)")
        _ = try await store.unsubscribe(c("conn-2"), from: game)
        r.expectSameElements(
            try await store.subscribers(of: game),
            subscribers.filter { $0 != c("conn-2") },
            "subscribers(of: game-1) after conn-2 unsubscribed"
        )
    }

    static func subscriptionsListEachEntityOnce(
        _ r: ConformanceRecorder,
        _ store: any SubscriptionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        let entities = try (0..<5).map { try e("entity-\($0)") }
        for _ in 0..<2 {
            for entity in entities {
                _ = try await store.subscribe(c("a"), to: entity, limit: 10)
            }
        }
        _ = try await store.subscribe(c("b"), to: entities[0], limit: 10)
        r.expectSameElements(try await store.subscriptions(of: c("a")), entities, "subscriptions(of: a)")
        r.expectEqual(try await store.count(), 6, "count()")
    }

    static func unknownIdentifiersHaveNothing(
        _ r: ConformanceRecorder,
        _ store: any SubscriptionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        r.expectEqual(try await store.count(), 0, "count() of a new store")
        r.expectEqual(try await store.subscribers(of: try e("nothing")), [], "subscribers of an unknown entity")
        r.expectEqual(try await store.subscriptions(of: c("nobody")), [], "subscriptions of an unknown connection")
        _ = try await store.subscribe(c("a"), to: try e("something"), limit: 10)
        r.expectEqual(try await store.subscribers(of: try e("nothing")), [], "subscribers of an unknown entity")
        r.expectEqual(try await store.subscriptions(of: c("nobody")), [], "subscriptions of an unknown connection")
    }

    static func identifiersAreComparedExactly(
        _ r: ConformanceRecorder,
        _ store: any SubscriptionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        let entities = try F.awkwardEntityTexts.map(e)
        let connections = F.awkwardConnectionTexts.map(c)
        let owners = entities.indices.map { c("own-\($0)") }
        // Entity i is held by its own connection and by the shared one.
        for (index, entity) in entities.enumerated() {
            r.expectEqual(
                try await store.subscribe(owners[index], to: entity, limit: 200), .subscribed,
                "subscribe(own-\(index), \(ConformanceRecorder.show(entity)))")
            _ = try await store.subscribe(c("shared"), to: entity, limit: 200)
        }
        for (index, entity) in entities.enumerated() {
            let subscribers = try await store.subscribers(of: entity)
            // Another entity's owner listed here: the store took that entity for this one.
            for other in subscribers.compactMap({ owners.firstIndex(of: $0) }) where other != index {
                r.suspect(diagnosis(sent: entity.rawValue, got: entities[other].rawValue))
            }
            r.expectSameElements(
                subscribers, [owners[index], c("shared")], "subscribers(of: \(ConformanceRecorder.show(entity)))")
            let held = try await store.subscriptions(of: owners[index])
            for returned in held where returned != entity {
                r.suspect(diagnosis(sent: entity.rawValue, got: returned.rawValue))
            }
            r.expectEqual(held, [entity], "subscriptions(of: own-\(index))")
        }
        r.expectSameElements(try await store.subscriptions(of: c("shared")), entities, "subscriptions(of: shared)")
        let shared = try e("shared-entity")
        for connection in connections {
            _ = try await store.subscribe(connection, to: shared, limit: 200)
        }
        let sharedSubscribers = try await store.subscribers(of: shared)
        for returned in sharedSubscribers where !connections.contains(returned) {
            if let sent = connections.first(where: {
                IdentifierDiagnosis.cause(sent: $0.rawValue, got: returned.rawValue) != nil
            }) {
                r.suspect(diagnosis(sent: sent.rawValue, got: returned.rawValue))
            }
        }
        r.expectSameElements(sharedSubscribers, connections, "subscribers(of: shared-entity)")
        for connection in connections {
            r.expectEqual(
                try await store.subscriptions(of: connection), [shared],
                "subscriptions(of: \(ConformanceRecorder.show(connection)))")
        }
        r.expectEqual(try await store.count(), entities.count * 2 + connections.count, "count()")
    }

    /// Ids that only a store keeping bytes tells apart, but which the PostgreSQL `text` type also
    /// refuses: such a store may throw for them (the client then gets `internal_error`), never alter them.
    static func identifiersWithNULAreKeptOrRefused(
        _ r: ConformanceRecorder,
        _ store: any SubscriptionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        // "nul" is what a store that cuts at U+0000 makes of the ids below; its pair must stay alone.
        let partnerEntity = try e("nul")
        let partnerConnection = c("nul")
        let plain = try e("plain")
        _ = try await store.subscribe(c("partner"), to: partnerEntity, limit: 10)
        _ = try await store.subscribe(partnerConnection, to: plain, limit: 10)
        var kept = 2
        for (index, text) in F.entityTextsWithNUL.enumerated() {
            let entity = try e(text)
            let owner = c("own-\(index)")
            do {
                let outcome = try await store.subscribe(owner, to: entity, limit: 10)
                kept += 1
                r.expectEqual(outcome, .subscribed, "subscribe(own-\(index), \(ConformanceRecorder.show(entity)))")
            } catch {
                continue  // Refused: allowed.
            }
            let held = try await store.subscriptions(of: owner)
            for returned in held where returned != entity {
                r.suspect(diagnosis(sent: entity.rawValue, got: returned.rawValue))
            }
            r.expectEqual(held, [entity], "subscriptions(of: own-\(index))")
            r.expectEqual(
                try await store.subscribers(of: entity), [owner], "subscribers(of: \(ConformanceRecorder.show(entity)))"
            )
        }
        for text in F.connectionTextsWithNUL {
            let connection = c(text)
            do {
                _ = try await store.subscribe(connection, to: plain, limit: 10)
                kept += 1
            } catch {
                continue
            }
            r.expectEqual(
                try await store.subscriptions(of: connection), [plain],
                "subscriptions(of: \(ConformanceRecorder.show(connection)))")
        }
        let partnerSubscribers = try await store.subscribers(of: partnerEntity)
        if partnerSubscribers != [c("partner")] {
            r.suspect(diagnosis(sent: F.entityTextsWithNUL[0], got: "nul"))
        }
        r.expectEqual(
            partnerSubscribers, [c("partner")], "subscribers(of: \"nul\") after subscribing to ids that start with it")
        let partnerHeld = try await store.subscriptions(of: partnerConnection)
        if partnerHeld != [plain] {
            r.suspect(diagnosis(sent: F.connectionTextsWithNUL[0], got: "nul"))
        }
        r.expectEqual(partnerHeld, [plain], "subscriptions(of: \"nul\") after subscribing ids that start with it")
        r.expectEqual(try await store.count(), kept, "count() with \(kept) pairs stored")
    }

    private static func diagnosis(sent: String, got: String) -> String {
        IdentifierDiagnosis.cause(sent: sent, got: got) ?? "ids are not kept byte for byte"
    }

    static func manyConnectionsAndEntities(
        _ r: ConformanceRecorder,
        _ store: any SubscriptionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        let connections = (0..<options.population).map { c("conn-\($0)") }
        let entities = try (0..<max(4, options.population / 4)).map { try e("entity-\($0)") }
        var model = SubscriptionModel()
        for (index, connection) in connections.enumerated() {
            for step in 0..<5 {
                let entity = entities[(index * 7 + step * 13) % entities.count]
                let outcome = try await store.subscribe(connection, to: entity, limit: 5)
                let expected = model.subscribe(connection, to: entity, limit: 5)
                if outcome != expected {
                    r.expectEqual(outcome, expected, "subscribe(\(connection), \(entity), limit: 5)")
                }
            }
        }
        try await SubscriptionConsistency.expect(
            r, store, connections: connections, entities: entities, model: model, after: "subscribing")
        for connection in connections.enumerated().filter({ $0.offset % 3 == 0 }).map(\.element) {
            let removed = try await store.removeAll(for: connection)
            r.expectEqual(removed, model.removeAll(for: connection), "removeAll(for: \(connection))")
        }
        try await SubscriptionConsistency.expect(
            r, store, connections: connections, entities: entities, model: model,
            after: "removing every third connection")
    }

    static func randomOperationsMatchModel(
        _ r: ConformanceRecorder,
        _ store: any SubscriptionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        var generator = SeededGenerator(seed: options.seed)
        let connections = (0..<12).map { c("conn-\($0)") }
        let entities = try (0..<10).map { try e("entity-\($0)") }
        let limit = 4
        var model = SubscriptionModel()
        var mismatches = 0
        for step in 0..<options.randomOperations where mismatches < 10 {
            let connection = connections[Int(generator.next() % UInt64(connections.count))]
            let entity = entities[Int(generator.next() % UInt64(entities.count))]
            let roll = generator.next() % 10
            let what: String
            let same: Bool
            if roll < 6 {
                what = "subscribe(\(connection), \(entity), limit: \(limit))"
                let outcome = try await store.subscribe(connection, to: entity, limit: limit)
                let expected = model.subscribe(connection, to: entity, limit: limit)
                same = outcome == expected
                if !same { r.expectEqual(outcome, expected, "step \(step): \(what)") }
            } else if roll < 9 {
                what = "unsubscribe(\(connection), \(entity))"
                let removed = try await store.unsubscribe(connection, from: entity)
                let expected = model.unsubscribe(connection, from: entity)
                same = removed == expected
                if !same { r.expectEqual(removed, expected, "step \(step): \(what)") }
            } else {
                what = "removeAll(for: \(connection))"
                let removed = try await store.removeAll(for: connection)
                let expected = model.removeAll(for: connection)
                same = removed == expected
                if !same { r.expectEqual(removed, expected, "step \(step): \(what)") }
            }
            if !same { mismatches += 1 }
        }
        try await SubscriptionConsistency.expect(
            r,
            store,
            connections: connections,
            entities: entities,
            model: model,
            after: "\(options.randomOperations) random operations"
        )
    }

    static func concurrentSubscribesNeverExceedLimit(
        _ r: ConformanceRecorder,
        _ store: any SubscriptionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        let limit = 5
        let entities = try (0..<options.concurrency).map { try e("entity-\($0)") }
        // Several rounds, each with its own connection, so that a store whose check and insert are
        // two steps is caught even when one round's tasks happen not to overlap.
        for round in 0..<concurrencyRounds {
            let connection = c("a-\(round)")
            let gate = StartingGate(parties: entities.count)
            let outcomes = try await withThrowingTaskGroup(of: SubscribeOutcome.self) { group in
                for entity in entities {
                    group.addTask {
                        await gate.arriveAndWait()
                        return try await store.subscribe(connection, to: entity, limit: limit)
                    }
                }
                var outcomes: [SubscribeOutcome] = []
                for try await outcome in group { outcomes.append(outcome) }
                return outcomes
            }
            let what = "round \(round): \(entities.count) concurrent subscribes of \(connection) with limit \(limit)"
            r.expectEqual(outcomes.filter { $0 == .subscribed }.count, limit, "\(what): number subscribed")
            r.expectEqual(
                outcomes.filter { $0 == .limitReached(limit: limit) }.count,
                entities.count - limit,
                "\(what): number refused"
            )
            r.expectEqual(try await store.subscriptions(of: connection).count, limit, "\(what): subscriptions count")
        }
        let connections = (0..<concurrencyRounds).map { c("a-\($0)") }
        r.expectEqual(try await store.count(), limit * concurrencyRounds, "count()")
        try await SubscriptionConsistency.expect(
            r,
            store,
            connections: connections,
            entities: entities,
            model: nil,
            after: "concurrent subscribes"
        )
    }

    static func concurrentSubscribesOfOnePair(
        _ r: ConformanceRecorder,
        _ store: any SubscriptionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        let game = try e("game-1")
        let gate = StartingGate(parties: options.concurrency)
        let outcomes = try await withThrowingTaskGroup(of: SubscribeOutcome.self) { group in
            for _ in 0..<options.concurrency {
                group.addTask {
                    await gate.arriveAndWait()
                    return try await store.subscribe(c("a"), to: game, limit: 10)
                }
            }
            var outcomes: [SubscribeOutcome] = []
            for try await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        r.expectEqual(
            outcomes.filter { $0 == .subscribed }.count, 1, "concurrent subscribes of one pair: number subscribed")
        r.expectEqual(
            outcomes.filter { $0 == .alreadySubscribed }.count,
            options.concurrency - 1,
            "concurrent subscribes of one pair: number alreadySubscribed"
        )
        r.expectEqual(try await store.subscribers(of: game), [c("a")], "subscribers(of: game-1)")
        r.expectEqual(try await store.count(), 1, "count()")
    }

    static func concurrentMixedOperations(
        _ r: ConformanceRecorder,
        _ store: any SubscriptionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        let entities = try (0..<16).map { try e("entity-\($0)") }
        let shared = (0..<4).map { c("shared-\($0)") }
        let sharedLimit = 6
        let seed = options.seed
        let operations = 40
        // Half the tasks own one connection each, so its final state is known exactly; the other half
        // race on a few shared connections, which must stay consistent and within their limit.
        let gate = StartingGate(parties: options.concurrency)
        let owned = try await withThrowingTaskGroup(of: (ConnectionID, Set<EntityID>)?.self) { group in
            for task in 0..<options.concurrency {
                group.addTask {
                    await gate.arriveAndWait()
                    var generator = SeededGenerator(seed: seed &+ UInt64(task))
                    let ownsConnection = task % 2 == 0
                    let own = c("own-\(task)")
                    var model = SubscriptionModel()
                    for _ in 0..<operations {
                        let connection = ownsConnection ? own : shared[Int(generator.next() % UInt64(shared.count))]
                        let entity = entities[Int(generator.next() % UInt64(entities.count))]
                        switch generator.next() % 10 {
                        case 0..<6:
                            _ = try await store.subscribe(connection, to: entity, limit: sharedLimit)
                            _ = model.subscribe(connection, to: entity, limit: sharedLimit)
                        case 6..<9:
                            _ = try await store.unsubscribe(connection, from: entity)
                            _ = model.unsubscribe(connection, from: entity)
                        default:
                            _ = try await store.removeAll(for: connection)
                            _ = model.removeAll(for: connection)
                        }
                    }
                    return ownsConnection ? (own, Set(model.subscriptions(of: own))) : nil
                }
            }
            var owned: [(ConnectionID, Set<EntityID>)] = []
            for try await result in group {
                if let result { owned.append(result) }
            }
            return owned
        }
        let connections = owned.map(\.0) + shared
        try await SubscriptionConsistency.expect(
            r,
            store,
            connections: connections,
            entities: entities,
            model: nil,
            after: "concurrent mixed operations"
        )
        for (connection, expected) in owned {
            r.expectSameElements(
                try await store.subscriptions(of: connection),
                Array(expected),
                "subscriptions(of: \(connection)), which only one task touched"
            )
        }
        for connection in shared {
            let held = try await store.subscriptions(of: connection).count
            r.expect(held <= sharedLimit, "\(connection) holds \(held) subscriptions, over the limit of \(sharedLimit)")
        }
    }
}
