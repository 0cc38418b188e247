import WebSocketPubSub
import WebSocketPubSubTesting
import XCTest

final class MyStoreConformanceXCTests: XCTestCase {
    /// Every check at once: one XCTFail per failed check, its report printed once.
    func testStoresConform() async {
        let failures = await StoreConformance {
            (try await MyConnectionStore.fresh(), try await MySubscriptionStore.fresh())
        }.run()
        for failure in failures { XCTFail(failure.description) }
    }

    /// Runs the check a test is named after: `testConnectionStore_count()` runs `ConnectionStore.count`.
    /// A name that is no check (a typo, or a check renamed in a newer kit) fails.
    func conform(function: String = #function, file: StaticString = #filePath, line: UInt = #line) async {
        let check = function.dropFirst("test".count).prefix { $0 != "(" }.replacingOccurrences(of: "_", with: ".")
        let options = StoreConformanceOptions(population: 50, concurrency: 8, randomOperations: 500)
        let failures = await StoreConformance(options: options) {
            (try await MyConnectionStore.fresh(), try await MySubscriptionStore.fresh())
        }.run(only: [check])
        for failure in failures { XCTFail(failure.description, file: file, line: line) }
    }

    /// Fails when the kit has more checks than the tests below: add one for each new name.
    func testEveryCheckHasATest() {
        XCTAssertEqual(StoreConformance.checkNames.count, 33, StoreConformance.checkNames.joined(separator: "\n"))
    }

    // One test per name in StoreConformance.checkNames:
    func testConnectionStore_insertedRecordIsReturnedUnchanged() async { await conform() }
    func testConnectionStore_insertReplacesRecordWithSameID() async { await conform() }
    func testConnectionStore_unknownIDHasNoRecord() async { await conform() }
    func testConnectionStore_removeReturnsRecordAndDeletesIt() async { await conform() }
    func testConnectionStore_removeIsIdempotent() async { await conform() }
    func testConnectionStore_touchSetsLastActiveAtOnly() async { await conform() }
    func testConnectionStore_touchOfUnknownIDDoesNothing() async { await conform() }
    func testConnectionStore_idleConnectionsUseStrictCutoff() async { await conform() }
    func testConnectionStore_idleConnectionsHonourLimit() async { await conform() }
    func testConnectionStore_touchedConnectionIsNoLongerIdle() async { await conform() }
    func testConnectionStore_countTracksInsertsAndRemovals() async { await conform() }
    func testConnectionStore_identifiersAreComparedExactly() async { await conform() }
    func testConnectionStore_identifiersWithNULAreKeptOrRefused() async { await conform() }
    func testConnectionStore_manyConnections() async { await conform() }
    func testConnectionStore_concurrentInsertsAndRemovesKeepCount() async { await conform() }
    func testSubscriptionStore_subscribeStoresPairBothWays() async { await conform() }
    func testSubscriptionStore_subscribeIsIdempotent() async { await conform() }
    func testSubscriptionStore_limitReachedExactlyAtLimit() async { await conform() }
    func testSubscriptionStore_resubscribeAtLimitIsAlreadySubscribed() async { await conform() }
    func testSubscriptionStore_limitIsCountedPerConnection() async { await conform() }
    func testSubscriptionStore_unsubscribeMakesRoomUnderLimit() async { await conform() }
    func testSubscriptionStore_unsubscribeReportsWhetherPairExisted() async { await conform() }
    func testSubscriptionStore_removeAllRemovesEveryPairOfConnection() async { await conform() }
    func testSubscriptionStore_subscribersListEachConnectionOnce() async { await conform() }
    func testSubscriptionStore_subscriptionsListEachEntityOnce() async { await conform() }
    func testSubscriptionStore_unknownIdentifiersHaveNothing() async { await conform() }
    func testSubscriptionStore_identifiersAreComparedExactly() async { await conform() }
    func testSubscriptionStore_identifiersWithNULAreKeptOrRefused() async { await conform() }
    func testSubscriptionStore_manyConnectionsAndEntities() async { await conform() }
    func testSubscriptionStore_randomOperationsMatchModel() async { await conform() }
    func testSubscriptionStore_concurrentSubscribesNeverExceedLimit() async { await conform() }
    func testSubscriptionStore_concurrentSubscribesOfOnePairStoreItOnce() async { await conform() }
    func testSubscriptionStore_concurrentMixedOperationsStayConsistent() async { await conform() }
}
