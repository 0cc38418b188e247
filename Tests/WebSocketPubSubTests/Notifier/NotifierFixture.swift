import Foundation
import WebSocketPubSub
import WebSocketPubSubTesting

/// A notifier wired to in-memory stores, a recording sender and observer, and a manual clock.
struct NotifierFixture {
    let connections = InMemoryConnectionStore()
    let subscriptions = InMemorySubscriptionStore()
    let sender: RecordingConnectionSender
    let observer = RecordingObserver()
    let clock = ManualClock()
    let notifier: Notifier

    init(policy: RetryPolicy = NotifierFixture.exactPolicy, sender: RecordingConnectionSender = .init()) {
        self.sender = sender
        notifier = Notifier(
            connections: connections, subscriptions: subscriptions, sender: sender, retryPolicy: policy,
            observer: observer, clock: clock, random: SeededRandomNumberGenerator(seed: 7))
    }

    /// 4 attempts, 100 ms doubling to 1 s, no jitter, a 10 s deadline: delays are exact.
    static let exactPolicy = RetryPolicy(
        maxAttempts: 4, baseDelay: .milliseconds(100), maxDelay: .seconds(1), jitter: 0, deadline: .seconds(10))

    /// Stores `count` connections named `c0`, `c1`, … and subscribes each to `entity`.
    @discardableResult
    func connect(_ count: Int, to entity: EntityID, prefix: String = "c") -> [ConnectionID] {
        (0..<count).map { index in
            let id = ConnectionID("\(prefix)\(index)")
            connections.insert(Connection(id: id, connectedAt: Date(timeIntervalSince1970: 0)))
            _ = subscriptions.subscribe(id, to: entity, limit: 128)
            return id
        }
    }
}

func entity(_ name: String) -> EntityID {
    // The names used in tests are short and non-empty.
    try! EntityID(validating: name)
}

func text(_ value: String) -> OutboundMessage {
    OutboundMessage(text: value)
}

/// Collects dead letters for a test to inspect.
actor DeadLetterBox {
    private(set) var letters: [(event: PublishEvent, cause: DeadLetterCause)] = []

    func add(_ event: PublishEvent, _ cause: DeadLetterCause) {
        letters.append((event, cause))
    }
}

/// A subscription store whose lookups throw for one entity, to test how the notifier reports it.
struct ThrowingSubscriptionStore: SubscriptionStore {
    struct LookupFailed: Error, Equatable {}

    let base: InMemorySubscriptionStore
    let failing: EntityID

    func subscribe(_ connection: ConnectionID, to entity: EntityID, limit: Int) async throws -> SubscribeOutcome {
        base.subscribe(connection, to: entity, limit: limit)
    }

    func unsubscribe(_ connection: ConnectionID, from entity: EntityID) async throws -> Bool {
        base.unsubscribe(connection, from: entity)
    }

    func removeAll(for connection: ConnectionID) async throws -> Int {
        base.removeAll(for: connection)
    }

    func subscribers(of entity: EntityID) async throws -> [ConnectionID] {
        if entity == failing { throw LookupFailed() }
        return base.subscribers(of: entity)
    }

    func subscriptions(of connection: ConnectionID) async throws -> [EntityID] {
        base.subscriptions(of: connection)
    }

    func count() async throws -> Int {
        base.count()
    }
}
