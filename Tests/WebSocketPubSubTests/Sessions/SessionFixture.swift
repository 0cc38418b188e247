import Foundation
import WebSocketPubSub
import WebSocketPubSubTesting

/// A hub over in-memory stores, a notifier that delivers through it, and a manual clock.
struct SessionFixture {
    let connections: TouchCountingConnectionStore
    let subscriptions = InMemorySubscriptionStore()
    let gateway: PubSubGateway
    let hub: SessionHub
    let notifier: Notifier
    let clock = ManualClock()

    init(
        configuration: SessionConfiguration = SessionConfiguration(),
        router: MessageRouter = MessageRouter(),
        unheld: UnheldRecipientPolicy = .gone,
        connections: any ConnectionStore = InMemoryConnectionStore()
    ) {
        self.connections = TouchCountingConnectionStore(base: connections)
        gateway = PubSubGateway(router: router, connections: self.connections, subscriptions: subscriptions)
        hub = SessionHub(gateway: gateway, configuration: configuration, unheldRecipients: unheld, clock: clock)
        notifier = Notifier(connections: self.connections, subscriptions: subscriptions, sender: hub)
    }

    /// Opens a session in one step; fails the test's expectations by returning nil otherwise.
    func open(_ name: String, transport: RecordingSessionTransport = RecordingSessionTransport()) async
        -> (PubSubSession, RecordingSessionTransport)?
    {
        guard
            case .opened(let session) = await hub.connect(ConnectRequest(id: ConnectionID(name)), transport: transport)
        else { return nil }
        return (session, transport)
    }

    /// Opens a session and subscribes it to `entity`, waiting for the answer.
    func subscribed(
        _ name: String, to entity: String, transport: RecordingSessionTransport = RecordingSessionTransport()
    )
        async -> (PubSubSession, RecordingSessionTransport)?
    {
        guard let (session, transport) = await open(name, transport: transport) else { return nil }
        let before = transport.messages.count
        await session.handle(text: subscribeMessage(entity))
        await transport.waitForMessages(before + 1)
        return (session, transport)
    }
}

func subscribeMessage(_ entity: String) -> String {
    #"{"action":"subscribe","entityId":"\#(entity)"}"#
}

/// A connection store that counts `touch` calls, to check how often activity is written.
final class TouchCountingConnectionStore: ConnectionStore {
    let base: any ConnectionStore
    private let touchCount = CallCounter()

    init(base: any ConnectionStore) {
        self.base = base
    }

    var touches: Int { touchCount.count }

    func insert(_ connection: Connection) async throws { try await base.insert(connection) }
    func connection(_ id: ConnectionID) async throws -> Connection? { try await base.connection(id) }
    func remove(_ id: ConnectionID) async throws -> Connection? { try await base.remove(id) }
    func touch(_ id: ConnectionID, at date: Date) async throws {
        touchCount.increment()
        try await base.touch(id, at: date)
    }
    func idleConnections(lastActiveBefore cutoff: Date, limit: Int) async throws -> [ConnectionID] {
        try await base.idleConnections(lastActiveBefore: cutoff, limit: limit)
    }
    func count() async throws -> Int { try await base.count() }
}

/// A connection store whose inserts always fail.
struct FailingInsertConnectionStore: ConnectionStore {
    struct InsertFailed: Error {}
    let base = InMemoryConnectionStore()

    func insert(_ connection: Connection) async throws { throw InsertFailed() }
    func connection(_ id: ConnectionID) async throws -> Connection? { base.connection(id) }
    func remove(_ id: ConnectionID) async throws -> Connection? { base.remove(id) }
    func touch(_ id: ConnectionID, at date: Date) async throws { base.touch(id, at: date) }
    func idleConnections(lastActiveBefore cutoff: Date, limit: Int) async throws -> [ConnectionID] {
        base.idleConnections(lastActiveBefore: cutoff, limit: limit)
    }
    func count() async throws -> Int { base.count() }
}
