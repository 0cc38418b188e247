import CHeapInfo
import Foundation
import WebSocketPubSub

/// fanout.*, store.* and memory.* cases on the in-memory stores and the notifier.
enum PubSubCases {
    static let connectionCount = 100_000
    static let entityCount = 10_000
    static let subscriptionsPerConnection = 10

    static var all: [Case] {
        [
            Case(name: "fanout.1k", unit: "deliveries/s", target: .atLeast(5_000_000)) {
                (try await fanout(to: 1_000), nil)
            },
            Case(name: "fanout.100k", unit: "deliveries/s", target: .atLeast(5_000_000)) {
                (try await fanout(to: 100_000), nil)
            },
            Case(name: "store.subscribe", unit: "ops/s", target: .atLeast(1_000_000)) {
                (try await storeRates().subscribe, nil)
            },
            Case(name: "store.unsubscribe", unit: "ops/s", target: .atLeast(1_000_000)) {
                (try await storeRates().unsubscribe, nil)
            },
            Case(name: "memory.per_subscription", unit: "bytes", target: .atMost(128)) {
                (bytesPerSubscription(), nil)
            },
            Case(name: "memory.per_connection", unit: "bytes", target: nil) {
                (bytesPerConnection(), nil)
            },
        ]
    }

    /// Ids made once and shared by every case that fills a store.
    struct Population: Sendable {
        let connections: [ConnectionID]
        let entities: [EntityID]

        static func make() throws -> Population {
            let connections = (0..<connectionCount).map { _ in ConnectionID.random() }
            let entities = try (0..<entityCount).map { try EntityID(validating: "entity-\($0)") }
            return Population(connections: connections, entities: entities)
        }

        /// The `k`-th entity of connection `i`: all of one connection's entities differ, and every
        /// entity gets the same number of subscribers.
        func entity(connection i: Int, _ k: Int) -> EntityID {
            entities[(i &* 7 &+ k &* 1_000) % entities.count]
        }

        /// An entity that connection `i` is not subscribed to in the base population.
        func freshEntity(connection i: Int) -> EntityID {
            entities[(i &* 7 &+ 500) % entities.count]
        }

        /// Subscribes every connection to its 10 entities: 1M subscriptions.
        func fill(_ store: InMemorySubscriptionStore) {
            for (i, connection) in connections.enumerated() {
                for k in 0..<subscriptionsPerConnection {
                    _ = store.subscribe(connection, to: entity(connection: i, k), limit: 128)
                }
            }
        }
    }

    /// The shared 1M-subscription store, built on first use.
    actor Shared {
        static let instance = Shared()
        private var built: (Population, InMemorySubscriptionStore)?

        func get() throws -> (Population, InMemorySubscriptionStore) {
            if let built { return built }
            let population = try Population.make()
            let store = InMemorySubscriptionStore()
            let start = now()
            population.fill(store)
            note("built a store of \(store.count()) subscriptions in \(String(format: "%.2f", now() - start)) s")
            built = (population, store)
            return (population, store)
        }
    }

    /// A sender that accepts every message at once and does nothing with it.
    struct NoopSender: ConnectionSender {
        func send(_ message: OutboundMessage, to recipients: [ConnectionID]) async -> [SendFailure] {
            blackHole(recipients.count)
            return []
        }
    }

    /// Deliveries per second of `Notifier.publish` to `subscribers` subscribers of one entity, the store
    /// also holding the 1M base subscriptions.
    static func fanout(to subscribers: Int) async throws -> Double {
        let (population, store) = try await Shared.instance.get()
        let hot = try EntityID(validating: "hot-\(subscribers)")
        if store.subscriberCount(of: hot) != subscribers {
            for connection in population.connections.prefix(subscribers) {
                _ = store.subscribe(connection, to: hot, limit: 128)
            }
        }
        precondition(store.subscriberCount(of: hot) == subscribers)
        let notifier = Notifier(
            connections: InMemoryConnectionStore(), subscriptions: store, sender: NoopSender(),
            retryPolicy: .noRetries)
        let json = Array(#"{"kind":"score","home":3,"away":1,"minute":87}"#.utf8)
        let first = try await notifier.publish(entityId: hot, json: json)
        precondition(first.delivered == subscribers && first.isComplete, "publish did not reach every subscriber")
        let rate = try await measureRate(sampleSeconds: 0.1) { iterations in
            var delivered = 0
            for _ in 0..<iterations {
                delivered &+= try await notifier.publish(entityId: hot, json: json).delivered
            }
            return Double(delivered)
        }
        // Leave the store as it was, so that other cases see 1M subscriptions.
        for connection in population.connections.prefix(subscribers) {
            store.unsubscribe(connection, from: hot)
        }
        return rate
    }

    /// Subscribe and unsubscribe rates on the 1M store: batches of 50,000 existing connections each
    /// subscribing to one more entity, then unsubscribing from it; one warm-up, median of 7.
    static func storeRates() async throws -> (subscribe: Double, unsubscribe: Double) {
        if let cached = await StoreRateCache.instance.value { return cached }
        let (population, store) = try await Shared.instance.get()
        let batch = 50_000
        let pairs = (0..<batch).map { (population.connections[$0], population.freshEntity(connection: $0)) }
        var subscribeRates: [Double] = []
        var unsubscribeRates: [Double] = []
        for round in 0..<8 {
            var subscribed = 0
            var start = now()
            for (connection, entity) in pairs where store.subscribe(connection, to: entity, limit: 128) == .subscribed {
                subscribed &+= 1
            }
            let subscribeSeconds = now() - start
            var removed = 0
            start = now()
            for (connection, entity) in pairs where store.unsubscribe(connection, from: entity) {
                removed &+= 1
            }
            let unsubscribeSeconds = now() - start
            precondition(subscribed == batch && removed == batch, "store benchmark pairs were not fresh")
            if round > 0 {
                subscribeRates.append(Double(batch) / subscribeSeconds)
                unsubscribeRates.append(Double(batch) / unsubscribeSeconds)
            }
        }
        let rates = (median(subscribeRates), median(unsubscribeRates))
        await StoreRateCache.instance.set(rates)
        return rates
    }

    actor StoreRateCache {
        static let instance = StoreRateCache()
        var value: (subscribe: Double, unsubscribe: Double)?
        func set(_ rates: (subscribe: Double, unsubscribe: Double)) { value = rates }
    }

    /// Bytes the C heap holds now: `mallinfo2()`'s bytes in use in arenas plus mmapped chunks.
    static func heapBytes() -> Int {
        Int(c_heap_in_use_bytes())
    }

    /// Heap growth per subscription when a fresh store takes 1M subscriptions (100k connections × 10 of
    /// 10k entities). The id values are made beforehand: they belong to the connections and entities,
    /// which exist whether or not anyone subscribes.
    static func bytesPerSubscription() -> Double {
        guard let population = try? Population.make() else { return .nan }
        let before = heapBytes()
        let store = InMemorySubscriptionStore()
        population.fill(store)
        let after = heapBytes()
        precondition(store.count() == connectionCount * subscriptionsPerConnection)
        withExtendedLifetime(store) {}
        return Double(after - before) / Double(connectionCount * subscriptionsPerConnection)
    }

    /// Heap growth per record when a fresh `InMemoryConnectionStore` takes 100k connections, each with a
    /// random id, a remote address and its dates; here the id is counted, as the record owns it.
    static func bytesPerConnection() -> Double {
        let date = Date()
        let before = heapBytes()
        let store = InMemoryConnectionStore()
        for i in 0..<connectionCount {
            store.insert(
                Connection(
                    id: ConnectionID.random(), remoteAddress: "127.0.0.1:\(10_000 + i % 50_000)", connectedAt: date))
        }
        let after = heapBytes()
        precondition(store.count() == connectionCount)
        withExtendedLifetime(store) {}
        return Double(after - before) / Double(connectionCount)
    }
}
