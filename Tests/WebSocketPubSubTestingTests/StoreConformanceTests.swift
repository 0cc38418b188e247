import Testing
import WebSocketPubSub
import WebSocketPubSubTesting

@Suite("Store conformance suite")
struct StoreConformanceTests {
    @Test func inMemoryStoresPassEveryCheck() async throws {
        let failures = await StoreConformance { (InMemoryConnectionStore(), InMemorySubscriptionStore()) }.run()
        #expect(failures == [])
    }

    @Test(arguments: StoreConformance.checkNames)
    func inMemoryStoresPassCheck(named check: String) async throws {
        try await StoreConformance { (InMemoryConnectionStore(), InMemorySubscriptionStore()) }
            .validate(only: [check])
    }

    @Test func dictionaryBackedUserStoresPassEveryCheck() async throws {
        try await StoreConformance { (DictionaryConnectionStore(), DictionarySubscriptionStore()) }.validate()
    }

    @Test func checkNamesAreUniqueAndPrefixedByProtocol() {
        let names = StoreConformance.checkNames
        #expect(Set(names).count == names.count)
        #expect(
            names.count == ConnectionStoreConformance.checkNames.count + SubscriptionStoreConformance.checkNames.count)
        #expect(ConnectionStoreConformance.checkNames.allSatisfy { $0.hasPrefix("ConnectionStore.") })
        #expect(SubscriptionStoreConformance.checkNames.allSatisfy { $0.hasPrefix("SubscriptionStore.") })
    }

    @Test func runOnlyRunsTheNamedChecks() async {
        let failures = await SubscriptionStoreConformance { BrokenSubscriptionStore.OffByOneLimit() }
            .run(only: ["SubscriptionStore.subscribeIsIdempotent"])
        #expect(failures == [])
    }

    @Test func factoryThatThrowsFailsEveryCheck() async {
        struct DatabaseDown: Error {}
        let failures = await ConnectionStoreConformance { throw DatabaseDown() }.run()
        #expect(failures.map(\.check) == ConnectionStoreConformance.checkNames)
        #expect(failures.allSatisfy { $0.message.hasPrefix("threw DatabaseDown") })
    }
}

/// A store that breaks one rule, and the check that must catch it.
struct BrokenStoreCase: Sendable, CustomStringConvertible {
    let description: String
    let expectedCheck: String
    let makeStores: StoreConformance.Factory

    static let all: [BrokenStoreCase] = [
        BrokenStoreCase(
            description: "limit off by one",
            expectedCheck: "SubscriptionStore.limitReachedExactlyAtLimit",
            makeStores: { (InMemoryConnectionStore(), BrokenSubscriptionStore.OffByOneLimit()) }
        ),
        BrokenStoreCase(
            description: "subscribe not idempotent",
            expectedCheck: "SubscriptionStore.subscribeIsIdempotent",
            makeStores: { (InMemoryConnectionStore(), BrokenSubscriptionStore.NonIdempotentSubscribe()) }
        ),
        BrokenStoreCase(
            description: "removeAll forgets the entity direction",
            expectedCheck: "SubscriptionStore.removeAllRemovesEveryPairOfConnection",
            makeStores: { (InMemoryConnectionStore(), BrokenSubscriptionStore.OneWayRemoveAll()) }
        ),
        BrokenStoreCase(
            description: "limit checked and applied in two steps",
            expectedCheck: "SubscriptionStore.concurrentSubscribesNeverExceedLimit",
            makeStores: { (InMemoryConnectionStore(), BrokenSubscriptionStore.CheckThenAct()) }
        ),
        BrokenStoreCase(
            description: "entity ids folded to lower case",
            expectedCheck: "SubscriptionStore.identifiersAreComparedExactly",
            makeStores: { (InMemoryConnectionStore(), BrokenSubscriptionStore.CaseInsensitiveEntities()) }
        ),
        BrokenStoreCase(
            description: "idle cutoff inclusive",
            expectedCheck: "ConnectionStore.idleConnectionsUseStrictCutoff",
            makeStores: { (BrokenConnectionStore.InclusiveCutoff(), InMemorySubscriptionStore()) }
        ),
        BrokenStoreCase(
            description: "insert keeps the first record",
            expectedCheck: "ConnectionStore.insertReplacesRecordWithSameID",
            makeStores: { (BrokenConnectionStore.InsertKeepsFirst(), InMemorySubscriptionStore()) }
        ),
        BrokenStoreCase(
            description: "touch creates unknown records",
            expectedCheck: "ConnectionStore.touchOfUnknownIDDoesNothing",
            makeStores: { (BrokenConnectionStore.TouchCreates(), InMemorySubscriptionStore()) }
        ),
    ]
}

@Suite("Store conformance suite catches broken stores")
struct BrokenStoreDetectionTests {
    @Test(arguments: BrokenStoreCase.all)
    func reportsTheBrokenRule(_ broken: BrokenStoreCase) async {
        let failures = await StoreConformance(makeStores: broken.makeStores).run()
        #expect(failures.contains { $0.check == broken.expectedCheck }, "\(failures)")
    }

    @Test func validateThrowsErrorListingEveryFailure() async throws {
        let conformance = SubscriptionStoreConformance { BrokenSubscriptionStore.OffByOneLimit() }
        let error = try await #require(throws: StoreConformanceError.self) {
            try await conformance.validate(only: ["SubscriptionStore.limitReachedExactlyAtLimit"])
        }
        #expect(error.failures.count >= 1)
        #expect(error.failures.allSatisfy { $0.check == "SubscriptionStore.limitReachedExactlyAtLimit" })
        #expect(error.description.contains("SubscriptionStore.limitReachedExactlyAtLimit: four subscribes"))
    }

    @Test func offByOneLimitFailureSaysWhatHappened() async {
        let failures = await SubscriptionStoreConformance { BrokenSubscriptionStore.OffByOneLimit() }
            .run(only: ["SubscriptionStore.limitReachedExactlyAtLimit"])
        #expect(
            failures.first?.message
                == "four subscribes of one connection with limit 3: expected "
                + "[subscribed, subscribed, subscribed, limitReached(limit: 3)], "
                + "got [subscribed, subscribed, subscribed, subscribed]"
        )
    }
}
