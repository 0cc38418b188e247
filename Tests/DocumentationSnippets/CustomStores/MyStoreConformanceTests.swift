import Testing
import WebSocketPubSub
import WebSocketPubSubTesting

@Suite struct MyStoreConformanceTests {
    @Test func storesConform() async throws {
        try await StoreConformance { (try await MyConnectionStore.fresh(), try await MySubscriptionStore.fresh()) }
            .validate()
    }

    // One test per check, so that a failure names the rule it broke:
    @Test(arguments: StoreConformance.checkNames)
    func storesPass(check: String) async throws {
        let options = StoreConformanceOptions(population: 50, concurrency: 8, randomOperations: 500)
        try await StoreConformance(options: options) {
            (try await MyConnectionStore.fresh(), try await MySubscriptionStore.fresh())
        }
        .validate(only: [check])
    }

    // One protocol alone:
    @Test func subscriptionStoreAlone() async throws {
        try await SubscriptionStoreConformance { try await MySubscriptionStore.fresh() }.validate()
    }
}
