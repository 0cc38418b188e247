import CAllocationCounter
import CHeapInfo
import Foundation
import Synchronization
import WebSocketPubSub

/// fanout.*, store.* and memory.* cases on the in-memory stores and the notifier.
enum PubSubCases {
    static let connectionCount = 100_000
    static let entityCount = 10_000
    static let subscriptionsPerConnection = 10

    static var all: [Case] {
        var cases: [Case] = []
        for (label, count) in [("1k", 1_000), ("10k", 10_000), ("100k", 100_000)] {
            cases.append(
                Case(name: "fanout.\(label)", unit: "deliveries/s", target: nil) {
                    try await fanout(to: count, lookingUp: false)
                })
        }
        for (label, count) in [("1k", 1_000), ("10k", 10_000), ("100k", 100_000)] {
            cases.append(
                Case(name: "fanout.lookup.\(label)", unit: "deliveries/s", target: .atLeast(5_000_000)) {
                    try await fanout(to: count, lookingUp: true)
                })
        }
        cases += [
            Case(name: "store.subscribe", unit: "ops/s", target: .atLeast(1_500_000)) {
                let rates = try await storeRates()
                return Measured(ours: rates.subscribe, peer: nil, oursAllocations: rates.subscribeAllocations)
            },
            Case(name: "store.unsubscribe", unit: "ops/s", target: .atLeast(1_500_000)) {
                let rates = try await storeRates()
                return Measured(ours: rates.unsubscribe, peer: nil, oursAllocations: rates.unsubscribeAllocations)
            },
            Case(name: "memory.per_subscription", unit: "bytes", target: .atMost(64)) {
                (bytesPerSubscription(), nil)
            },
            Case(name: "memory.per_connection", unit: "bytes", target: nil) {
                (bytesPerConnection(), nil)
            },
        ]
        return cases
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

        /// Whether connection `i` is subscribed to entity number `e` in the base population.
        func isBasePair(connection i: Int, entity e: Int) -> Bool {
            // entity(connection: i, k) is entity number (7i + 1000k) mod 10,000, k in 0..<10.
            let offset = ((e - (i &* 7) % entities.count) % entities.count + entities.count) % entities.count
            return offset % 1_000 == 0 && offset / 1_000 < subscriptionsPerConnection
        }

        /// `count` distinct random pairs, none of them in the base population.
        func freshPairs(_ count: Int, using generator: inout SplitMix64) -> [(ConnectionID, EntityID)] {
            var seen = Set<Int>()
            var pairs: [(ConnectionID, EntityID)] = []
            pairs.reserveCapacity(count)
            while pairs.count < count {
                let i = Int(generator.next() % UInt64(connections.count))
                let e = Int(generator.next() % UInt64(entities.count))
                guard !isBasePair(connection: i, entity: e), seen.insert(i &* entities.count &+ e).inserted else {
                    continue
                }
                pairs.append((connections[i], entities[e]))
            }
            return pairs
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

    /// One connection's end of a transport: what a real sender finds for an id (a channel, a socket).
    final class Sink: Sendable {
        let received = Atomic<Int>(0)
    }

    /// A sender that looks each recipient up in a dictionary of all 100k connections and hands the
    /// message to what it finds, as every real transport does.
    struct DictionarySender: ConnectionSender {
        let sinks: [ConnectionID: Sink]

        func send(_ message: OutboundMessage, to recipients: [ConnectionID]) async -> [SendFailure] {
            var failures: [SendFailure] = []
            for recipient in recipients {
                guard let sink = sinks[recipient] else {
                    failures.append(SendFailure(connection: recipient, reason: .gone))
                    continue
                }
                sink.received.add(1, ordering: .relaxed)
            }
            return failures
        }
    }

    /// The fan-out rate measured for 1k subscribers with the no-op sender; the larger sizes are
    /// held to within 2x of it (flat).
    actor FlatReference {
        static let shared = FlatReference()
        var rate: Double?
        func set(_ value: Double) { rate = value }
    }

    /// Deliveries per second of `Notifier.publish` to `subscribers` subscribers of one entity, drawn at
    /// random from the 100k connections and subscribed in random order, the store also holding the 1M
    /// base subscriptions.
    static func fanout(to subscribers: Int, lookingUp: Bool) async throws -> Measured {
        let (population, store) = try await Shared.instance.get()
        let hot = try EntityID(validating: "hot-\(subscribers)")
        var generator = SplitMix64(seed: UInt64(subscribers))
        let chosen = Array(population.connections.shuffled(using: &generator).prefix(subscribers))
        for connection in chosen {
            _ = store.subscribe(connection, to: hot, limit: 128)
        }
        precondition(store.subscriberCount(of: hot) == subscribers)
        defer {
            // Leave the store as it was, so that other cases see 1M subscriptions.
            for connection in chosen { store.unsubscribe(connection, from: hot) }
        }
        let sender: any ConnectionSender
        if lookingUp {
            var sinks: [ConnectionID: Sink] = [:]
            sinks.reserveCapacity(population.connections.count)
            for connection in population.connections { sinks[connection] = Sink() }
            sender = DictionarySender(sinks: sinks)
        } else {
            sender = NoopSender()
        }
        let notifier = Notifier(
            connections: InMemoryConnectionStore(), subscriptions: store, sender: sender, retryPolicy: .noRetries)
        let json = Array(#"{"kind":"score","home":3,"away":1,"minute":87}"#.utf8)
        let first = try await notifier.publish(entityId: hot, json: json)
        precondition(first.delivered == subscribers && first.isComplete, "publish did not reach every subscriber")
        var result = try await measure(
            sampleSeconds: max(Settings.sampleSeconds, 0.1),
            ours: Side(operations: Double(subscribers)) { iterations in
                var delivered = 0
                for _ in 0..<iterations {
                    delivered &+= try await notifier.publish(entityId: hot, json: json).delivered
                }
                precondition(delivered == iterations * subscribers, "a publish missed subscribers")
                return Double(delivered)
            },
            peer: nil)
        if !lookingUp, let ours = result.ours {
            if subscribers == 1_000 {
                await FlatReference.shared.set(ours)
            } else if let reference = await FlatReference.shared.rate {
                result.target = .atLeast(reference / 2)
            }
        }
        return result
    }

    /// Subscribe and unsubscribe rates on the 1M store: each round draws 50,000 fresh random
    /// (connection, entity) pairs that are not subscribed, subscribes them in random order, then
    /// unsubscribes them in another random order; one warm-up round, median of 7.
    static func storeRates() async throws -> StoreRates {
        if let cached = await StoreRateCache.instance.value { return cached }
        let (population, store) = try await Shared.instance.get()
        let batch = 50_000
        var generator = SplitMix64(seed: 42)
        var subscribeRates: [Double] = []
        var unsubscribeRates: [Double] = []
        var subscribeAllocations: UInt64 = 0
        var unsubscribeAllocations: UInt64 = 0
        let rounds = Settings.samples + 1
        for round in 0..<rounds {
            let pairs = population.freshPairs(batch, using: &generator)
            var subscribed = 0
            var allocations = allocation_count()
            var start = now()
            for (connection, entity) in pairs where store.subscribe(connection, to: entity, limit: 128) == .subscribed {
                subscribed &+= 1
            }
            let subscribeSeconds = now() - start
            let subscribeCount = allocation_count() &- allocations
            let removal = pairs.shuffled(using: &generator)
            var removed = 0
            allocations = allocation_count()
            start = now()
            for (connection, entity) in removal where store.unsubscribe(connection, from: entity) {
                removed &+= 1
            }
            let unsubscribeSeconds = now() - start
            let unsubscribeCount = allocation_count() &- allocations
            precondition(subscribed == batch && removed == batch, "store benchmark pairs were not fresh")
            if round > 0 {
                subscribeRates.append(Double(batch) / subscribeSeconds)
                unsubscribeRates.append(Double(batch) / unsubscribeSeconds)
                subscribeAllocations &+= subscribeCount
                unsubscribeAllocations &+= unsubscribeCount
            }
        }
        let operations = Double(batch * (rounds - 1))
        let rates = StoreRates(
            subscribe: median(subscribeRates), unsubscribe: median(unsubscribeRates),
            subscribeAllocations: Double(subscribeAllocations) / operations,
            unsubscribeAllocations: Double(unsubscribeAllocations) / operations)
        await StoreRateCache.instance.set(rates)
        return rates
    }

    struct StoreRates: Sendable {
        var subscribe: Double
        var unsubscribe: Double
        var subscribeAllocations: Double
        var unsubscribeAllocations: Double
    }

    actor StoreRateCache {
        static let instance = StoreRateCache()
        var value: StoreRates?
        func set(_ rates: StoreRates) { value = rates }
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

/// A small seeded generator, so that every run draws the same "random" pairs and orders.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
