import Foundation
import Testing
import WebSocketPubSub
import WebSocketPubSubTesting

/// A hub, gateway and notifier sharing one gated history store.
struct HistoryFixture {
    let history: GatedHistoryStore
    let gateway: PubSubGateway
    let hub: SessionHub
    let notifier: Notifier
    let entity = try! EntityID(validating: "game")

    init(limits: HistoryLimits = HistoryLimits(maxMessagesPerEntity: 100)) {
        history = GatedHistoryStore(limits: limits)
        gateway = PubSubGateway(
            connections: InMemoryConnectionStore(), subscriptions: InMemorySubscriptionStore(), history: history)
        hub = SessionHub(gateway: gateway)
        notifier = Notifier(
            connections: gateway.connections, subscriptions: gateway.subscriptions, sender: hub, history: history)
    }

    func open() async -> (PubSubSession, RecordingSessionTransport)? {
        let transport = RecordingSessionTransport()
        guard case .opened(let session) = await hub.connect(ConnectRequest(id: .random()), transport: transport)
        else { return nil }
        return (session, transport)
    }

    @discardableResult
    func publish(_ value: Int) async throws -> DeliveryReport {
        try await notifier.publish(entityId: entity, json: Array("\(value)".utf8))
    }

    var epoch: String { history.base.read(entity, since: nil).position.epoch }
}

/// What a client received, decoded: answers and envelopes.
struct Received: Decodable, Equatable {
    var status: String?
    var entityId: String?
    var message: Int?
    var offset: Int?
    var epoch: String?
    var recovered: Bool?
    var error: String?
    var code: String?

    static func all(_ transport: RecordingSessionTransport) throws -> [Received] {
        try transport.messages.map { try JSONDecoder().decode(Received.self, from: Data($0.bytes)) }
    }

    /// The offsets of the envelopes received, in order.
    static func offsets(_ transport: RecordingSessionTransport) throws -> [Int] {
        try all(transport).filter { $0.message != nil }.compactMap(\.offset)
    }
}

func subscribe(_ entity: String, since: HistoryPosition? = nil) -> String {
    guard let since else { return #"{"action":"subscribe","entityId":"\#(entity)"}"# }
    return
        #"{"action":"subscribe","entityId":"\#(entity)","since":{"offset":\#(since.offset),"epoch":"\#(since.epoch)"}}"#
}

@Suite("History: offsets, recovery and the races around it", .timeLimit(.minutes(1)))
struct RecoveryTests {
    @Test func aPublishCarriesItsOffsetAndEpochAndSoDoesItsReport() async throws {
        let fixture = HistoryFixture()
        let (session, transport) = try #require(await fixture.open())
        await session.handle(text: subscribe("game"))
        let first = try await fixture.publish(1)
        let second = try await fixture.publish(2)
        await transport.waitForMessages(3)

        let epoch = fixture.epoch
        #expect(first.position == HistoryPosition(offset: 1, epoch: epoch))
        #expect(second.position == HistoryPosition(offset: 2, epoch: epoch))
        #expect(
            transport.texts == [
                #"{"status":"subscribed","entityId":"game","offset":0,"epoch":"\#(epoch)"}"#,
                #"{"entityId":"game","message":1,"offset":1,"epoch":"\#(epoch)"}"#,
                #"{"entityId":"game","message":2,"offset":2,"epoch":"\#(epoch)"}"#,
            ])
        #expect(
            String(decoding: PubSubEndpoints.json(of: second), as: UTF8.self).hasSuffix(
                #","offset":2,"epoch":"\#(epoch)"}"#))
    }

    @Test func aClientThatWasAwayGetsExactlyWhatItMissedThenLiveMessages() async throws {
        let fixture = HistoryFixture()
        for value in 1...3 { try await fixture.publish(value) }
        let (session, transport) = try #require(await fixture.open())
        await session.handle(text: subscribe("game", since: HistoryPosition(offset: 1, epoch: fixture.epoch)))
        try await fixture.publish(4)
        await transport.waitForMessages(4)

        let received = try Received.all(transport)
        #expect(received[0].status == "subscribed")
        #expect(received[0].offset == 3)
        #expect(received[0].recovered == true)
        #expect(try Received.offsets(transport) == [2, 3, 4])
        #expect(received.dropFirst().map(\.message) == [2, 3, 4])
    }

    @Test func anotherEpochOrATrimmedOffsetIsNotRecoveredButStillSubscribed() async throws {
        let fixture = HistoryFixture(limits: HistoryLimits(maxMessagesPerEntity: 2))
        for value in 1...4 { try await fixture.publish(value) }
        let (session, transport) = try #require(await fixture.open())
        await session.handle(text: subscribe("game", since: HistoryPosition(offset: 3, epoch: "another")))
        await session.handle(text: subscribe("game", since: HistoryPosition(offset: 1, epoch: fixture.epoch)))
        await session.handle(text: subscribe("game", since: HistoryPosition(offset: 9, epoch: fixture.epoch)))
        try await fixture.publish(5)
        await transport.waitForMessages(4)

        let received = try Received.all(transport)
        #expect(received.prefix(3).map(\.recovered) == [false, false, false])
        #expect(received.prefix(3).map(\.offset) == [4, 4, 4])
        #expect(try Received.offsets(transport) == [5])
    }

    @Test func aMalformedSinceIsAnErrorAndSubscribesNothing() async throws {
        let fixture = HistoryFixture()
        let (session, transport) = try #require(await fixture.open())
        let malformed = [
            #"{"action":"subscribe","entityId":"game","since":3}"#,
            #"{"action":"subscribe","entityId":"game","since":{"offset":-1,"epoch":"e"}}"#,
            #"{"action":"subscribe","entityId":"game","since":{"offset":1.5,"epoch":"e"}}"#,
            #"{"action":"subscribe","entityId":"game","since":{"offset":"1","epoch":"e"}}"#,
            #"{"action":"subscribe","entityId":"game","since":{"offset":1,"epoch":7}}"#,
            #"{"action":"subscribe","entityId":"game","since":{"epoch":"e"}}"#,
            #"{"action":"subscribe","entityId":"game","since":{"offset":1}}"#,
            #"{"action":"subscribe","entityId":"game","since":{"offset":99999999999999999999999,"epoch":"e"}}"#,
        ]
        for text in malformed { await session.handle(text: text) }
        await transport.waitForMessages(malformed.count)

        #expect(try Received.all(transport).map(\.code) == Array(repeating: "invalid_since", count: malformed.count))
        #expect(try await fixture.gateway.subscriptions.count() == 0)
        #expect(transport.closes.isEmpty)
    }

    @Test func withoutHistorySinceIsIgnoredAndNothingChanges() async throws {
        let gateway = PubSubGateway(connections: InMemoryConnectionStore(), subscriptions: InMemorySubscriptionStore())
        let hub = SessionHub(gateway: gateway)
        let transport = RecordingSessionTransport()
        guard case .opened(let session) = await hub.connect(ConnectRequest(id: .random()), transport: transport) else {
            Issue.record("the session did not open")
            return
        }
        await session.handle(text: #"{"action":"subscribe","entityId":"game","since":"nonsense"}"#)
        await transport.waitForMessages(1)
        #expect(transport.texts == [#"{"status":"subscribed","entityId":"game"}"#])
    }

    @Test func aPublishHeldBetweenAppendAndSendReachesARecoveringSubscriberOnce() async throws {
        let fixture = HistoryFixture()
        for value in 1...2 { try await fixture.publish(value) }
        let (session, transport) = try #require(await fixture.open())
        let gate = fixture.history.holdNextAppend()
        let publisher = Task { try await fixture.publish(3) }
        await gate.waitForArrival()
        // Offset 3 is stored, not yet sent: the subscribe counts it and replays it.
        await session.handle(text: subscribe("game", since: HistoryPosition(offset: 0, epoch: fixture.epoch)))
        gate.open()
        let report = try await publisher.value
        try await fixture.publish(4)
        await transport.waitForMessages(5)

        #expect(report.delivered == 1)
        #expect(try Received.all(transport)[0].offset == 3)
        #expect(try Received.offsets(transport) == [1, 2, 3, 4])
    }

    @Test func aPublishDuringTheSubscribesHistoryReadIsHeldAndFollowsTheReplay() async throws {
        let fixture = HistoryFixture()
        for value in 1...2 { try await fixture.publish(value) }
        let (session, transport) = try #require(await fixture.open())
        let gate = fixture.history.holdNextRead()
        let subscriber = Task {
            await session.handle(text: subscribe("game", since: HistoryPosition(offset: 0, epoch: fixture.epoch)))
        }
        await gate.waitForArrival()
        // The subscription is in the store and the position read (2): offset 3 is live, and must wait.
        let report = try await fixture.publish(3)
        #expect(transport.messages.isEmpty)
        gate.open()
        await subscriber.value
        await transport.waitForMessages(4)

        #expect(report.delivered == 1)
        #expect(try Received.all(transport)[0].offset == 2)
        #expect(try Received.offsets(transport) == [1, 2, 3])
    }

    @Test func concurrentPublishesReachEverySubscriberInOffsetOrder() async throws {
        let fixture = HistoryFixture(limits: HistoryLimits(maxMessagesPerEntity: 1_000))
        var clients: [RecordingSessionTransport] = []
        for _ in 0..<3 {
            let (session, transport) = try #require(await fixture.open())
            await session.handle(text: subscribe("game"))
            clients.append(transport)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<4 {
                group.addTask { for index in 0..<25 { try await fixture.publish(task * 100 + index) } }
            }
            try await group.waitForAll()
        }
        for transport in clients {
            await transport.waitForMessages(101)
            #expect(try Received.offsets(transport) == Array(1...100))
        }
    }

    @Test func resubscribingWithSinceReplaysWhatTheClientSaysItMissed() async throws {
        let fixture = HistoryFixture()
        let (session, transport) = try #require(await fixture.open())
        await session.handle(text: subscribe("game"))
        for value in 1...3 { try await fixture.publish(value) }
        await session.handle(text: subscribe("game", since: HistoryPosition(offset: 1, epoch: fixture.epoch)))
        try await fixture.publish(4)
        await transport.waitForMessages(8)

        #expect(try Received.offsets(transport) == [1, 2, 3, 2, 3, 4])
    }

    @Test func aHistoryStoreThatFailsFailsThePublishAndSendsNothing() async throws {
        let fixture = HistoryFixture()
        let (session, transport) = try #require(await fixture.open())
        await session.handle(text: subscribe("game"))
        await transport.waitForMessages(1)
        fixture.history.failAppends()
        await #expect(throws: PublishError.self) { try await fixture.publish(1) }
        #expect(transport.messages.count == 1)
    }

    @Test func aHostWithoutSessionsGetsTheReplayAsTypedValues() async throws {
        let fixture = HistoryFixture()
        for value in 1...3 { try await fixture.publish(value) }
        guard case .accepted(let connection) = await fixture.gateway.connect(id: .random()) else {
            Issue.record("not accepted")
            return
        }
        let answer = try await fixture.gateway.subscribe(
            connection, to: fixture.entity, since: HistoryPosition(offset: 1, epoch: fixture.epoch))
        #expect(answer.position == HistoryPosition(offset: 3, epoch: fixture.epoch))
        #expect(answer.recovered == true)
        #expect(answer.replay.map(\.offset) == [2, 3])
        #expect(answer.replay.map { String(decoding: $0.message, as: UTF8.self) } == ["2", "3"])
    }

    @Test(arguments: [3, 12])
    func unsubscribingFromOneEntityKeepsEveryOtherPosition(entities count: Int) async throws {
        let fixture = HistoryFixture()
        let (session, transport) = try #require(await fixture.open())
        let names = (0..<count).map { "e\($0)" }
        for name in names { await session.handle(text: subscribe(name)) }
        await session.handle(text: #"{"action":"unsubscribe","entityId":"e0"}"#)
        await transport.waitForMessages(count + 1)
        for name in names {
            _ = try await fixture.notifier.publish(entityId: EntityID(validating: name), json: Array("1".utf8))
        }
        // A recovery on the last entity still skips what the cursor already queued.
        let last = try EntityID(validating: names[count - 1])
        let epoch = fixture.history.base.read(last, since: nil).position.epoch
        await session.handle(text: subscribe(names[count - 1], since: HistoryPosition(offset: 0, epoch: epoch)))
        _ = try await fixture.notifier.publish(entityId: last, json: Array("2".utf8))
        await transport.waitForMessages(count + 1 + (count - 1) + 3)

        let envelopes = try Received.all(transport).filter { $0.message != nil }
        #expect(envelopes.count == count - 1 + 2)
        #expect(!envelopes.contains { $0.entityId == "e0" })
        #expect(envelopes.filter { $0.entityId == names[count - 1] }.map(\.offset) == [1, 1, 2])
    }
}
