import Foundation
import Synchronization
import WebSocketPubSub

/// history.*: what keeping history costs a publish, what a retained message holds, and how fast a
/// client that missed 100 messages gets them back (issue 15).
enum HistoryCases {
    static let subscriberCount = 1_000
    static let payload = Array(#"{"kind":"score","home":3,"away":1,"minute":67}"#.utf8)

    static var all: [Case] {
        [
            // History on against history off, the same 1,000 sessions' worth of work on each side;
            // the target: history costs at most 20% of the rate.
            Case(name: "history.fanout.1k", unit: "deliveries/s", target: .ratio(0.8)) {
                let on = try await FanOut(history: true)
                let off = try await FanOut(history: false)
                return try await measure(ours: on.side, peer: off.side)
            },
            Case(name: "history.bytes_per_retained_message", unit: "bytes", target: nil) {
                (bytesPerRetainedMessage(), nil)
            },
            Case(name: "history.recover.100", unit: "recoveries/s", target: nil) {
                let recovery = try await Recovery()
                let measured = try await measure(ours: recovery.side, peer: nil)
                if let rate = measured.ours {
                    note(
                        "history.recover.100: \(String(format: "%.1f", 1e6 / rate)) µs from the subscribe to the "
                            + "100th replayed message at the transport")
                }
                return measured
            },
        ]
    }

    /// A session hub with 1,000 sessions subscribed to one entity, their transports counting what they
    /// are given, and a notifier with or without history.
    final class FanOut: Sendable {
        let notifier: Notifier
        let transports: [SessionCases.CountingTransport]
        let entity: EntityID
        let delivered = Atomic<Int>(0)

        init(history: Bool) async throws {
            let store = history ? InMemoryHistoryStore(limits: HistoryLimits(maxMessagesPerEntity: 100)) : nil
            let gateway = PubSubGateway(
                connections: InMemoryConnectionStore(), subscriptions: InMemorySubscriptionStore(), history: store)
            // Queues deep enough that the writers never fall behind far enough to meet the policy.
            let hub = SessionHub(
                gateway: gateway,
                configuration: SessionConfiguration(maxQueuedMessages: 1 << 20, maxQueuedBytes: 1 << 30))
            notifier = Notifier(
                connections: gateway.connections, subscriptions: gateway.subscriptions, sender: hub, history: store)
            entity = try EntityID(validating: "history-bench")
            var transports: [SessionCases.CountingTransport] = []
            for _ in 0..<HistoryCases.subscriberCount {
                let transport = SessionCases.CountingTransport()
                guard case .opened(let session) = await hub.connect(ConnectRequest(id: .random()), transport: transport)
                else { fatalError("the benchmark's session was refused") }
                await session.handle(text: #"{"action":"subscribe","entityId":"history-bench"}"#)
                transports.append(transport)
            }
            self.transports = transports
            await SessionCases.waitForReplies(transports, total: HistoryCases.subscriberCount)
        }

        /// `iterations` publishes; counted once every session's transport has them all.
        var side: Side {
            Side { [self] iterations in
                for _ in 0..<iterations {
                    _ = try await notifier.publish(entityId: entity, json: HistoryCases.payload)
                }
                let total = delivered.add(iterations * HistoryCases.subscriberCount, ordering: .relaxed).newValue
                await SessionCases.waitForReplies(transports, total: total + HistoryCases.subscriberCount)
                return Double(iterations * HistoryCases.subscriberCount)
            }
        }
    }

    /// Heap growth per message when a fresh store keeps 100,000 messages of 100 bytes (1,000 entities,
    /// 100 each). The payload's own heap block is counted: the store holds it.
    static func bytesPerRetainedMessage() -> Double {
        let entities = (0..<1_000).map { try! EntityID(validating: "retained-\($0)") }
        let perEntity = 100
        let before = PubSubCases.heapBytes()
        let store = InMemoryHistoryStore(limits: HistoryLimits(maxMessagesPerEntity: perEntity))
        for round in 0..<perEntity {
            for entity in entities {
                _ = store.append(Array(repeating: UInt8(truncatingIfNeeded: round), count: 100), to: entity)
            }
        }
        let after = PubSubCases.heapBytes()
        precondition(store.retainedMessageCount == entities.count * perEntity)
        withExtendedLifetime(store) {}
        let bytes = Double(after - before) / Double(entities.count * perEntity)
        note(
            "history.bytes_per_retained_message: \(String(format: "%.0f", bytes)) bytes for a 100-byte payload "
                + "(\(String(format: "%.0f", bytes - 100)) of overhead, the entity's share included)")
        return bytes
    }

    /// One session that re-subscribes from 100 messages back, again and again; a recovery counts once
    /// its answer and its 100 replayed messages have reached the transport.
    final class Recovery: Sendable {
        let session: PubSubSession
        let transport: SessionCases.CountingTransport
        let request: String
        let received = Atomic<Int>(0)

        init() async throws {
            let store = InMemoryHistoryStore(limits: HistoryLimits(maxMessagesPerEntity: 1_000))
            let gateway = PubSubGateway(
                connections: InMemoryConnectionStore(), subscriptions: InMemorySubscriptionStore(), history: store)
            let hub = SessionHub(gateway: gateway)
            let notifier = Notifier(
                connections: gateway.connections, subscriptions: gateway.subscriptions, sender: hub, history: store)
            let entity = try EntityID(validating: "recovery-bench")
            var latest = HistoryPosition(offset: 0, epoch: "")
            for _ in 0..<200 { latest = try await notifier.publish(entityId: entity, json: payload).position! }
            transport = SessionCases.CountingTransport()
            guard case .opened(let session) = await hub.connect(ConnectRequest(id: .random()), transport: transport)
            else { fatalError("the benchmark's session was refused") }
            self.session = session
            request =
                #"{"action":"subscribe","entityId":"recovery-bench","since":{"offset":\#(latest.offset - 100),"#
                + #""epoch":"\#(latest.epoch)"}}"#
        }

        var side: Side {
            Side { [self] iterations in
                for _ in 0..<iterations {
                    let expected = received.add(101, ordering: .relaxed).newValue
                    await session.handle(text: request)
                    await SessionCases.waitForReplies([transport], total: expected)
                }
                return Double(iterations)
            }
        }
    }
}
