import CAllocationCounter
import Foundation
import Synchronization
import WebSocketPubSub

/// publish.slowsender.* and gateway.subscribe: the notifier under a transport that takes time, and a
/// client's message through the session layer (issue 11).
enum SessionCases {
    static let slowEntityCount = 1_000
    static let slowSubscribersPerEntity = 10

    static var all: [Case] {
        [
            Case(name: "publish.slowsender.c1", unit: "publishes/s", target: nil) {
                try await slowSender(concurrency: 1, against: nil)
            },
            // c64 with c1 as the peer: the two sides' samples alternate, so the ratio (the target:
            // at least 30x) is measured under the same background load.
            Case(name: "publish.slowsender.c64", unit: "publishes/s", target: .ratio(30)) {
                try await slowSender(concurrency: 64, against: 1)
            },
            // The peer is an anchor, not a competitor: the same subscribe messages, in the same rounds,
            // through only the work no session layer can skip (see `floorSeconds`). It bounds what
            // one feeding task can reach on the machine at hand, and the ratio stays steady while
            // the host's speed moves both.
            Case(name: "gateway.subscribe", unit: "messages/s", target: .atLeast(1_000_000)) {
                let rates = try await gatewayRates()
                return Measured(
                    ours: rates.subscribe, peer: rates.floor, oursAllocations: rates.subscribeAllocations)
            },
            // The same messages per second of this process's CPU time: on a machine shared with other
            // work, the wall-clock rate measures the share this process got as much as the code.
            Case(name: "gateway.subscribe.cpu", unit: "messages/cpu-s", target: .atLeast(1_000_000)) {
                let rates = try await gatewayRates()
                return Measured(ours: rates.subscribePerCPUSecond, peer: nil)
            },
            Case(name: "gateway.unsubscribe", unit: "messages/s", target: nil) {
                let rates = try await gatewayRates()
                return Measured(ours: rates.unsubscribe, peer: nil, oursAllocations: rates.unsubscribeAllocations)
            },
            // The same messages fed by one task per core, each feeding its share of the sessions, as a
            // server's event loops (one per core) feed theirs: the rate of the whole machine.
            // Its peer is the same one-task floor as gateway.subscribe's.
            Case(name: "gateway.subscribe.per_core_feeders", unit: "messages/s", target: .atLeast(1_000_000)) {
                let rates = try await gatewayRates(feeders: feederCount)
                return Measured(
                    ours: rates.subscribe, peer: rates.floor, oursAllocations: rates.subscribeAllocations)
            },
            // The same, fed as the NIO host feeds its sessions: `receive(text:)`, which returns at once,
            // over a transport that takes batches by callback (`CallbackSessionTransport`).
            Case(name: "gateway.subscribe.receive", unit: "messages/s", target: .atLeast(1_000_000)) {
                let rates = try await gatewayRates(entry: .receive)
                return Measured(
                    ours: rates.subscribe, peer: rates.floor, oursAllocations: rates.subscribeAllocations)
            },
            Case(name: "gateway.subscribe.receive.per_core_feeders", unit: "messages/s", target: .atLeast(1_000_000)) {
                let rates = try await gatewayRates(feeders: feederCount, entry: .receive)
                return Measured(
                    ours: rates.subscribe, peer: rates.floor, oursAllocations: rates.subscribeAllocations)
            },
        ]
    }

    // MARK: - publish.slowsender

    /// A generic transport that suspends for 1 ms per batch, as an HTTP callback or a remote node
    /// would; it accepts every recipient.
    struct SleepingSender: ConnectionSender {
        func send(_ message: OutboundMessage, to recipients: [ConnectionID]) async -> [SendFailure] {
            try? await Task.sleep(for: .milliseconds(1))
            blackHole(recipients.count)
            return []
        }
    }

    /// A notifier over 1,000 entities with 10 subscribers each (10,000 connections, each subscribed to
    /// one entity) and the sleeping sender.
    static func slowNotifier() throws -> (Notifier, [EntityID]) {
        let store = InMemorySubscriptionStore()
        let entities = try (0..<slowEntityCount).map { try EntityID(validating: "slow-\($0)") }
        for entity in entities {
            for _ in 0..<slowSubscribersPerEntity {
                _ = store.subscribe(ConnectionID.random(), to: entity, limit: 128)
            }
        }
        let notifier = Notifier(
            connections: InMemoryConnectionStore(), subscriptions: store, sender: SleepingSender(),
            retryPolicy: .noRetries)
        return (notifier, entities)
    }

    /// `iterations` publishes split over `concurrency` tasks; publisher `j` publishes to entities
    /// `j`, `j + concurrency`, … (mod 1,000), so publishers started together name different entities.
    static func publishes(
        _ iterations: Int, concurrency: Int, notifier: Notifier, entities: [EntityID]
    ) async throws -> Double {
        let json = Array(#"{"kind":"score","home":3,"away":1}"#.utf8)
        let perTask = (iterations + concurrency - 1) / concurrency
        let delivered = try await withThrowingTaskGroup(of: Int.self) { group in
            for j in 0..<concurrency {
                group.addTask {
                    var delivered = 0
                    for i in 0..<perTask {
                        let entity = entities[(j &+ i &* concurrency) % entities.count]
                        delivered &+= try await notifier.publish(entityId: entity, json: json).delivered
                    }
                    return delivered
                }
            }
            return try await group.reduce(0, +)
        }
        precondition(delivered == perTask * concurrency * slowSubscribersPerEntity, "a publish missed subscribers")
        return Double(perTask * concurrency)
    }

    static func slowSender(concurrency: Int, against peerConcurrency: Int?) async throws -> Measured {
        let (notifier, entities) = try slowNotifier()
        let cpu = Mutex<[Int: (seconds: Double, publishes: Double)]>([:])
        func side(_ concurrency: Int) -> Side {
            Side { iterations in
                let start = processCPUSeconds()
                let done = try await publishes(
                    max(iterations, concurrency), concurrency: concurrency, notifier: notifier, entities: entities)
                let used = processCPUSeconds() - start
                cpu.withLock {
                    $0[concurrency, default: (0, 0)] = (
                        $0[concurrency, default: (0, 0)].seconds + used,
                        $0[concurrency, default: (0, 0)].publishes + done
                    )
                }
                return done
            }
        }
        let result = try await measure(
            sampleSeconds: max(Settings.sampleSeconds, 0.2), ours: side(concurrency), peer: peerConcurrency.map(side))
        // Where the time goes on a shared machine: CPU per publish (the sleeping sender's timer
        // included), next to the 1 ms the sender sleeps.
        for (level, total) in cpu.withLock({ $0 }).sorted(by: { $0.key < $1.key }) {
            note(
                "publish.slowsender.c\(level): \(String(format: "%.1f", total.seconds / total.publishes * 1e6)) µs of "
                    + "CPU per publish (all threads, calibration included)")
        }
        return result
    }

    // MARK: - gateway.subscribe

    /// The smallest transport: counts what it is given.
    class CountingTransport: SessionTransport, @unchecked Sendable {
        // @unchecked Sendable is sound: the one stored property is an atomic, and the class is not
        // final only so that `CallbackCountingTransport` can add the callback write.
        let written = Atomic<Int>(0)

        func write(_ messages: [OutboundMessage]) async throws {
            written.add(messages.count, ordering: .releasing)
        }

        func close(code: UInt16, reason: String) async {}
    }

    /// The same, taking batches by callback as the NIO host's transport does; completes at once.
    final class CallbackCountingTransport: CountingTransport, CallbackSessionTransport, @unchecked Sendable {
        // @unchecked Sendable: see `CountingTransport`; this subclass stores nothing.
        func write(_ messages: [OutboundMessage], completion: @escaping @Sendable (Bool) -> Void) {
            written.add(messages.count, ordering: .releasing)
            completion(true)
        }
    }

    /// How the benchmark hands a message to its session.
    enum Entry: Hashable, Sendable {
        /// `await handle(text:)`, a read loop's way, over a transport with an `async` write.
        case handle
        /// `receive(text:)`, a callback host's way, over a ``CallbackCountingTransport``.
        case receive
    }

    static let sessionCount = 1_000
    static let gatewayEntityCount = 10_000
    static let subscriptionsPerSession = 50

    /// One feeder task per core the process may use.
    static var feederCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Subscribe and unsubscribe messages through `PubSubSession.handle(text:)` (or, with `entry`
    /// `.receive`, `receive(text:)`) on a `SessionHub` over the in-memory stores: each round, each of
    /// 1,000 sessions subscribes to 50 random entities of 10,000 (50,000 fresh pairs, sessions taken
    /// in random order), then unsubscribes from them in another order. A message counts once its reply has reached the session's transport. One
    /// warm-up round, median of 7. With `feeders` above 1, that many tasks feed the messages at once,
    /// each those of its own share of the sessions (session `s` to feeder `s % feeders`), so that one
    /// connection's messages still come in order from one task.
    static func gatewayRates(feeders: Int = 1, entry: Entry = .handle) async throws -> GatewayRates {
        if let cached = await GatewayRateCache.instance.value(feeders: feeders, entry: entry) { return cached }
        let gateway = PubSubGateway(connections: InMemoryConnectionStore(), subscriptions: InMemorySubscriptionStore())
        let hub = SessionHub(gateway: gateway)
        var sessions: [(PubSubSession, CountingTransport)] = []
        for _ in 0..<sessionCount {
            let transport = entry == .handle ? CountingTransport() : CallbackCountingTransport()
            guard case .opened(let session) = await hub.connect(ConnectRequest(id: .random()), transport: transport)
            else { fatalError("the benchmark's session was refused") }
            sessions.append((session, transport))
        }
        func message(_ action: String, _ entity: Int) -> [UInt8] {
            Array(#"{"action":"\#(action)","entityId":"entity-\#(entity)"}"#.utf8)
        }
        var generator = SplitMix64(seed: 11)
        var subscribeRates: [Double] = []
        var subscribeCPURates: [Double] = []
        var unsubscribeRates: [Double] = []
        var floorRates: [Double] = []
        let floorStore = InMemorySubscriptionStore()
        let ids = sessions.map(\.0.id)
        var subscribeAllocations: UInt64 = 0
        var unsubscribeAllocations: UInt64 = 0
        let rounds = Settings.samples + 1
        var expected = 0
        for round in 0..<rounds {
            // (session, message) pairs: every session's entities differ within the round.
            var subscribes: [(Int, [UInt8])] = []
            var unsubscribes: [(Int, [UInt8])] = []
            for s in 0..<sessionCount {
                var picked = Set<Int>()
                while picked.count < subscriptionsPerSession {
                    picked.insert(Int(generator.next() % UInt64(gatewayEntityCount)))
                }
                for e in picked {
                    subscribes.append((s, message("subscribe", e)))
                    unsubscribes.append((s, message("unsubscribe", e)))
                }
            }
            subscribes.shuffle(using: &generator)
            unsubscribes.shuffle(using: &generator)
            for (phase, messages) in [subscribes, unsubscribes].enumerated() {
                // Feeder f takes the sessions s with s % feeders == f, in the shuffled order.
                let shares = (0..<feeders).map { f in
                    messages.filter { $0.0 % feeders == f }.map { (sessions[$0.0].0, $0.1) }
                }
                let allocations = allocation_count()
                let start = now()
                let cpuStart = processCPUSeconds()
                if feeders == 1 {
                    await feed(shares[0], entry: entry)
                } else {
                    await withTaskGroup(of: Void.self) { group in
                        for share in shares { group.addTask { await feed(share, entry: entry) } }
                    }
                }
                expected &+= messages.count
                await waitForReplies(sessions.map(\.1), total: expected)
                let seconds = now() - start
                let cpuSeconds = processCPUSeconds() - cpuStart
                let count = allocation_count() &- allocations
                guard round > 0 else { continue }
                if phase == 0 {
                    subscribeRates.append(Double(messages.count) / seconds)
                    subscribeCPURates.append(Double(messages.count) / cpuSeconds)
                    subscribeAllocations &+= count
                } else {
                    unsubscribeRates.append(Double(messages.count) / seconds)
                    unsubscribeAllocations &+= count
                }
            }
            let floor = try floorSeconds(subscribes, ids: ids, store: floorStore, subscribing: true)
            _ = try floorSeconds(unsubscribes, ids: ids, store: floorStore, subscribing: false)
            if round > 0 { floorRates.append(Double(subscribes.count) / floor) }
            precondition(floorStore.count() == 0, "the floor's unsubscribes left subscriptions")
            precondition(gateway.subscriptions is InMemorySubscriptionStore)
            let left = (gateway.subscriptions as? InMemorySubscriptionStore)?.count() ?? -1
            precondition(left == 0, "the gateway benchmark's unsubscribes left \(left) subscriptions")
        }
        let operations = Double(sessionCount * subscriptionsPerSession * (rounds - 1))
        let rates = GatewayRates(
            subscribe: median(subscribeRates), subscribePerCPUSecond: median(subscribeCPURates),
            unsubscribe: median(unsubscribeRates), floor: median(floorRates),
            subscribeAllocations: Double(subscribeAllocations) / operations,
            unsubscribeAllocations: Double(unsubscribeAllocations) / operations)
        await GatewayRateCache.instance.set(rates, feeders: feeders, entry: entry)
        return rates
    }

    /// Hands each message to its session, in order, the way `entry` says.
    static func feed(_ messages: [(PubSubSession, [UInt8])], entry: Entry) async {
        switch entry {
        case .handle: for (session, text) in messages { await session.handle(text: text) }
        case .receive: for (session, text) in messages { session.receive(text: text) }
        }
    }

    /// Seconds to take `messages` through the work that no session layer can skip, in order: one scan
    /// of each message (which validates it and finds its `entityId`), the `EntityID`, the store
    /// call and the reply's bytes. No router (the action is known), no gateway, no session, no
    /// transport, no `await`.
    static func floorSeconds(
        _ messages: [(Int, [UInt8])], ids: [ConnectionID], store: InMemorySubscriptionStore, subscribing: Bool
    ) throws -> Double {
        let scanner = JSONScanner()
        var replyBytes = 0
        let start = now()
        for (session, text) in messages {
            guard let member = try scanner.member("entityId", in: text), let raw = member.string else {
                fatalError("a benchmark message has no entityId")
            }
            let entity = try EntityID(validating: raw)
            let reply: OutboundMessage
            if subscribing {
                guard case .subscribed = store.subscribeImmediately(ids[session], to: entity, limit: 128) else {
                    fatalError("the floor's subscribe was refused")
                }
                reply = .subscribed(entity)
            } else {
                guard store.unsubscribeImmediately(ids[session], from: entity) else {
                    fatalError("the floor's unsubscribe found no subscription")
                }
                reply = .unsubscribed(entity)
            }
            replyBytes &+= reply.bytes.count
        }
        let seconds = now() - start
        blackHole(replyBytes)
        return seconds
    }

    /// Returns once the transports have been handed `total` replies in all; every message gets one.
    static func waitForReplies(_ transports: [CountingTransport], total: Int) async {
        for _ in 0..<1_000_000 {
            if transports.reduce(0, { $0 &+ $1.written.load(ordering: .acquiring) }) >= total { return }
            await Task.yield()
        }
        fatalError("the gateway benchmark's replies did not all arrive")
    }

    /// CPU seconds this process has used, all threads.
    static func processCPUSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    struct GatewayRates: Sendable {
        var subscribe: Double
        var subscribePerCPUSecond: Double
        var unsubscribe: Double
        /// The same subscribe messages through ``floorSeconds(_:ids:store:subscribing:)``.
        var floor: Double
        var subscribeAllocations: Double
        var unsubscribeAllocations: Double
    }

    actor GatewayRateCache {
        struct Key: Hashable {
            var feeders: Int
            var entry: Entry
        }

        static let instance = GatewayRateCache()
        private var values: [Key: GatewayRates] = [:]
        func value(feeders: Int, entry: Entry) -> GatewayRates? { values[Key(feeders: feeders, entry: entry)] }
        func set(_ rates: GatewayRates, feeders: Int, entry: Entry) {
            values[Key(feeders: feeders, entry: entry)] = rates
        }
    }
}
