import Foundation
import WebSocketPubSub
import WebSocketPubSubTesting

// These use the library's `StoreLock`, not `Synchronization.Atomic`: `Atomic` needs macOS 15, and the
// package (its tests included) builds for the macOS 14 it declares.

/// A clock for `now:` that starts at 1,000 s after 1970 and moves only when told.
final class SteppingClock: Sendable {
    private let seconds = StoreLock(1_000)

    /// The current instant.
    var now: Date { Date(timeIntervalSince1970: TimeInterval(seconds.withLock { $0 })) }

    /// Moves the clock forward.
    func advance(by delta: Int) {
        seconds.withLock { $0 += delta }
    }
}

/// Counts calls from any task.
final class CallCounter: Sendable {
    private let calls = StoreLock(0)

    /// The number of calls so far.
    var count: Int { calls.withLock { $0 } }

    /// Counts one call.
    func increment() {
        calls.withLock { $0 += 1 }
    }
}

/// A gateway over in-memory stores, a recording observer and a stepping clock.
struct GatewayFixture {
    let connections = InMemoryConnectionStore()
    let subscriptions = InMemorySubscriptionStore()
    let observer = WebSocketPubSubTesting.RecordingObserver()
    let clock = SteppingClock()
    let gateway: PubSubGateway

    init(
        router: MessageRouter = MessageRouter(),
        configuration: PubSubGateway.Configuration = .init(),
        authorizeSubscription: PubSubGateway.SubscriptionAuthorizer? = nil
    ) {
        let clock = clock
        gateway = PubSubGateway(
            router: router, connections: connections, subscriptions: subscriptions, configuration: configuration,
            authorizeSubscription: authorizeSubscription, observer: observer, now: { clock.now })
    }

    /// Accepts a connection named `name`, failing the test if the gateway refuses it.
    func open(_ name: String) async throws -> ConnectionID {
        guard case .accepted(let connection) = await gateway.connect(id: ConnectionID(name)) else {
            throw FixtureError.refused(name)
        }
        return connection.id
    }

    /// Sends `message` from `id` and returns the reply as text.
    func send(_ message: String, from id: ConnectionID) async -> String? {
        await gateway.handle(text: Array(message.utf8), from: id).map { String(decoding: $0.bytes, as: UTF8.self) }
    }

    enum FixtureError: Error {
        case refused(String)
    }
}

/// A subscription store whose every call fails, for the `internal_error` paths.
struct FailingSubscriptionStore: SubscriptionStore {
    struct Down: Error {}

    func subscribe(_ connection: ConnectionID, to entity: EntityID, limit: Int) async throws -> SubscribeOutcome {
        throw Down()
    }
    func unsubscribe(_ connection: ConnectionID, from entity: EntityID) async throws -> Bool { throw Down() }
    func removeAll(for connection: ConnectionID) async throws -> Int { throw Down() }
    func subscribers(of entity: EntityID) async throws -> [ConnectionID] { throw Down() }
    func subscriptions(of connection: ConnectionID) async throws -> [EntityID] { throw Down() }
    func count() async throws -> Int { throw Down() }
}
