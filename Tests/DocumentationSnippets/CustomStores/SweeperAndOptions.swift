import WebSocketPubSub
import WebSocketPubSubTesting

/// Documentation/CustomStores.md, "IdleConnectionSweeper".
func customStoresSweeper(connections: some ConnectionStore, subscriptions: some SubscriptionStore) {
    let sweeper = IdleConnectionSweeper(
        connections: connections, subscriptions: subscriptions, timeToLive: .seconds(600))
    let sweepTask = Task { await sweeper.run(interval: .seconds(60)) }
    // at shutdown:
    sweepTask.cancel()
}

/// Documentation/CustomStores.md, "Running the conformance suite".
func customStoresLighterOptions() -> StoreConformanceOptions {
    // The defaults: population 200, concurrency 32, randomOperations 2000.
    let options = StoreConformanceOptions(population: 50, concurrency: 8, randomOperations: 500)
    return options
}
