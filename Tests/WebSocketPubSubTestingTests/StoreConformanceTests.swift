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

    @Test func storesThatRefuseNULIdentifiersPassEveryCheck() async throws {
        try await StoreConformance { (RefusesNUL.Connections(), RefusesNUL.Subscriptions()) }.validate()
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
        #expect(failures.allSatisfy { $0.likelyCause.hasPrefix("the store threw DatabaseDown") })
    }

    @Test func misspeltCheckNameFailsInsteadOfRunningNothing() async {
        let failures = await StoreConformance { (InMemoryConnectionStore(), InMemorySubscriptionStore()) }
            .run(only: ["ConnectionStore.insertedRecordIsReturnedUnchanged", "ConnectionStore.noSuchCheck"])
        #expect(failures.map(\.check) == ["ConnectionStore.noSuchCheck"])
        #expect(failures.first?.likelyCause.hasPrefix("no check has this name") == true)
    }
}

/// A store that breaks one rule, and the check that must catch it.
struct BrokenStoreCase: Sendable, CustomStringConvertible {
    let description: String
    let expectedCheck: String
    /// Words the first line of that check's report must hold, when the kit can name the cause.
    var expectedCause: String? = nil
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
        BrokenStoreCase(
            description: "subscription ids cut at U+0000 (TEXT bound as a C string)",
            expectedCheck: "SubscriptionStore.identifiersWithNULAreKeptOrRefused",
            expectedCause: "cut at U+0000",
            makeStores: { (InMemoryConnectionStore(), BrokenSubscriptionStore.TruncatesAtNUL()) }
        ),
        BrokenStoreCase(
            description: "connection ids cut at U+0000 (TEXT bound as a C string)",
            expectedCheck: "ConnectionStore.identifiersWithNULAreKeptOrRefused",
            expectedCause: "cut at U+0000",
            makeStores: { (BrokenConnectionStore.TruncatesAtNUL(), InMemorySubscriptionStore()) }
        ),
        BrokenStoreCase(
            description: "subscriptions keyed by Swift String",
            expectedCheck: "SubscriptionStore.identifiersAreComparedExactly",
            expectedCause: "compared as Swift String",
            makeStores: { (InMemoryConnectionStore(), BrokenSubscriptionStore.StringKeyed()) }
        ),
        BrokenStoreCase(
            description: "connections keyed by Swift String",
            expectedCheck: "ConnectionStore.identifiersAreComparedExactly",
            expectedCause: "compared as Swift String",
            makeStores: { (BrokenConnectionStore.StringKeyed(), InMemorySubscriptionStore()) }
        ),
        BrokenStoreCase(
            description: "entity ids folded to lower case: named as such",
            expectedCheck: "SubscriptionStore.identifiersAreComparedExactly",
            expectedCause: "without case",
            makeStores: { (InMemoryConnectionStore(), BrokenSubscriptionStore.CaseInsensitiveEntities()) }
        ),
        BrokenStoreCase(
            description: "negative idle limit means no limit (SQLite)",
            expectedCheck: "ConnectionStore.idleConnectionsHonourLimit",
            expectedCause: "negative limit",
            makeStores: { (BrokenConnectionStore.NegativeLimitUnbounded(), InMemorySubscriptionStore()) }
        ),
        BrokenStoreCase(
            description: "empty strings stored as NULL",
            expectedCheck: "ConnectionStore.insertedRecordIsReturnedUnchanged",
            expectedCause: "comes back as nil",
            makeStores: { (BrokenConnectionStore.EmptyStringsBecomeNil(), InMemorySubscriptionStore()) }
        ),
    ]
}

@Suite("Store conformance suite catches broken stores")
struct BrokenStoreDetectionTests {
    @Test(arguments: BrokenStoreCase.all)
    func reportsTheBrokenRule(_ broken: BrokenStoreCase) async {
        let failures = await StoreConformance(makeStores: broken.makeStores).run()
        let report = failures.first { $0.check == broken.expectedCheck }
        #expect(report != nil, "\(failures)")
        if let report, let cause = broken.expectedCause {
            #expect(report.likelyCause.contains(cause), "\(report)")
        }
    }

    @Test(arguments: BrokenStoreCase.all)
    func reportsAreShortAndStartWithTheCause(_ broken: BrokenStoreCase) async throws {
        let failures = await StoreConformance(makeStores: broken.makeStores).run()
        #expect(Set(failures.map(\.check)).count == failures.count, "one report per check")
        for failure in failures {
            let lines = failure.description.split(separator: "\n")
            #expect(lines.count <= 1 + 3 + 1 + 1, "\(failure)")
            #expect(lines.first?.hasPrefix("\(failure.check): \(failure.likelyCause) (see ") == true)
            #expect(failure.guide.hasPrefix("Documentation/CustomStores.md#"))
        }
    }

    @Test func validateThrowsErrorHoldingEachFailedCheck() async throws {
        let conformance = SubscriptionStoreConformance { BrokenSubscriptionStore.OffByOneLimit() }
        let error = try await #require(throws: StoreConformanceError.self) {
            try await conformance.validate(only: ["SubscriptionStore.limitReachedExactlyAtLimit"])
        }
        #expect(error.failures.map(\.check) == ["SubscriptionStore.limitReachedExactlyAtLimit"])
        #expect(error.description.contains("SubscriptionStore.limitReachedExactlyAtLimit: the limit is off"))
    }

    @Test func offByOneLimitFailureSaysWhatHappened() async {
        let failures = await SubscriptionStoreConformance { BrokenSubscriptionStore.OffByOneLimit() }
            .run(only: ["SubscriptionStore.limitReachedExactlyAtLimit"])
        #expect(
            failures.first?.evidence.first
                == "four subscribes of one connection with limit 3: expected "
                + "[subscribed, subscribed, subscribed, limitReached(limit: 3)], "
                + "got [subscribed, subscribed, subscribed, subscribed]"
        )
    }

    @Test func randomCheckPrintsTheSeedThatReplaysIt() async {
        let check: Set = ["SubscriptionStore.randomOperationsMatchModel"]
        let options = StoreConformanceOptions(randomOperations: 300, seed: 42)
        let first = await SubscriptionStoreConformance(options: options) { BrokenSubscriptionStore.OffByOneLimit() }
            .run(only: check)
        #expect(first.first?.seed == 42)
        #expect(first.first?.description.hasSuffix("replay: StoreConformanceOptions(seed: 0x2A)") == true)
        let replay = await SubscriptionStoreConformance(options: options) { BrokenSubscriptionStore.OffByOneLimit() }
            .run(only: check)
        #expect(replay == first)
        #expect(!first.isEmpty)
    }

    @Test func reportsQuoteIdentifiersSoLookalikesDiffer() async {
        let failures = await SubscriptionStoreConformance { BrokenSubscriptionStore.StringKeyed() }
            .run(only: ["SubscriptionStore.identifiersAreComparedExactly"])
        let text = failures.map(\.description).joined()
        #expect(text.contains("\\u{"), "\(text)")
    }
}
