import Foundation
import Testing
import WebSocketPubSub
import WebSocketPubSubTesting

/// Many sessions at once, each fed its own random mix of requests (awaited and not), publishers to
/// the same entities meanwhile, stalled and failing transports, and sockets that close mid-stream.
/// Whatever the interleaving: a connection gets its replies in request order and each entity's
/// messages in publish order, its subscriptions are what its requests made them, and once every
/// session has ended nothing is left in the stores or the hub.
///
/// Its own work takes under a second, also under ThreadSanitizer; but there, beside the other suites
/// on two cores, its tasks wait for the shared pool about as long as the whole run (a minute), hence
/// the longer limit.
@Suite("Sessions under a random mix of clients, publishers and failures", .timeLimit(.minutes(3)))
struct SessionChaosTests {
    enum Behaviour: CaseIterable {
        case healthy
        /// Its writes wait until the end: the session meets its queue limit and closes it.
        case stalled
        /// Its writes start throwing partway: the connection is gone.
        case failing
        /// Its socket closes partway; later requests are ignored.
        case closing
    }

    enum Request {
        case subscribe(Int)
        case unsubscribe(Int)
        case malformed
        case binary
    }

    struct Client {
        var name: String
        var behaviour: Behaviour
        var requests: [Request]
        var awaited: [Bool]
        /// Where a failing client's writes start to throw, or a closing client's socket closes.
        var breakAt: Int
    }

    static let entityCount = 4
    static let publishesPerEntity = 30

    static func entity(_ number: Int) -> String { "chaos-\(number)" }

    static func makeClients(count: Int, using random: inout SeededRandomNumberGenerator) -> [Client] {
        (0..<count).map { index in
            let behaviour = Behaviour.allCases[Int(random.next() % UInt64(Behaviour.allCases.count))]
            let requestCount = 6 + Int(random.next() % 15)
            let requests = (0..<requestCount).map { _ -> Request in
                let entity = Int(random.next() % UInt64(entityCount))
                return switch random.next() % 10 {
                case 0: .malformed
                case 1: .binary
                case 2, 3, 4: .unsubscribe(entity)
                default: .subscribe(entity)
                }
            }
            // A stalled client's requests are never awaited (an awaited one would wait for the held
            // write); a healthy client awaits its last, so that all its requests are handled after it.
            var awaited = requests.map { _ in behaviour != .stalled && random.next() % 2 == 0 }
            if behaviour == .healthy { awaited[awaited.count - 1] = true }
            return Client(
                name: "client-\(index)", behaviour: behaviour, requests: requests, awaited: awaited,
                breakAt: Int(random.next() % UInt64(requestCount)))
        }
    }

    static func send(_ request: Request, to session: PubSubSession, awaiting: Bool) async {
        let text: String
        switch request {
        case .subscribe(let entity): text = #"{"action":"subscribe","entityId":"\#(Self.entity(entity))"}"#
        case .unsubscribe(let entity): text = #"{"action":"unsubscribe","entityId":"\#(Self.entity(entity))"}"#
        case .malformed: text = #"{"action":"subscribe","entityId":"#
        case .binary:
            if awaiting { await session.handleBinary() } else { session.receiveBinary() }
            return
        }
        if awaiting { await session.handle(text: text) } else { session.receive(text: text) }
    }

    /// Whether `text` is the reply `request` must get.
    static func isReply(_ text: String, to request: Request) -> Bool {
        switch request {
        case .subscribe(let entity): text == #"{"status":"subscribed","entityId":"\#(Self.entity(entity))"}"#
        case .unsubscribe(let entity): text == #"{"status":"unsubscribed","entityId":"\#(Self.entity(entity))"}"#
        case .malformed: text.contains(#""code":"invalid_json""#)
        case .binary: text.contains(#""code":"binary_message""#)
        }
    }

    /// Whether `text` is a published message (an entity envelope) rather than a reply. Cheap, as the
    /// wait for replies asks it of every message many times.
    static func isPublished(_ text: String) -> Bool {
        text.hasPrefix(#"{"entityId":"#)
    }

    /// A published message's entity and sequence number; nil for a reply.
    static func published(_ text: String) -> (entity: String, sequence: Int)? {
        guard
            isPublished(text),
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            let entity = object["entityId"] as? String,
            let message = object["message"] as? [String: Any],
            let sequence = message["seq"] as? Int
        else { return nil }
        return (entity, sequence)
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func nothingIsLeftAndEveryConnectionKeepsItsOrder(seed: UInt64) async throws {
        var random = SeededRandomNumberGenerator(seed: seed)
        let fixture = SessionFixture(configuration: SessionConfiguration(maxQueuedMessages: 64))
        let clients = Self.makeClients(count: 24, using: &random)
        let entities = try (0..<Self.entityCount).map { try EntityID(validating: Self.entity($0)) }
        var opened: [(client: Client, session: PubSubSession, transport: RecordingSessionTransport)] = []
        for client in clients {
            let (session, transport) = try #require(await fixture.open(client.name))
            if client.behaviour == .stalled { transport.holdWrites() }
            opened.append((client, session, transport))
        }

        await withTaskGroup(of: Void.self) { group in
            for (client, session, transport) in opened {
                group.addTask {
                    for (index, request) in client.requests.enumerated() {
                        if index == client.breakAt {
                            if client.behaviour == .failing { transport.failWrites() }
                            if client.behaviour == .closing { session.transportClosed() }
                        }
                        await Self.send(request, to: session, awaiting: client.awaited[index])
                    }
                }
            }
            // One publisher per entity, so that each entity's sequence numbers are its publish order.
            for entity in entities {
                group.addTask {
                    for sequence in 0..<Self.publishesPerEntity {
                        let json = Array(#"{"seq":\#(sequence)}"#.utf8)
                        _ = try? await fixture.notifier.publish(entityId: entity, json: json)
                    }
                }
            }
        }

        var fullyChecked = 0
        for (client, _, transport) in opened where client.behaviour == .healthy {
            let expected = client.requests.count
            for _ in 0..<1_000
            where transport.closes.isEmpty && transport.texts.count(where: { !Self.isPublished($0) }) < expected {
                try await Task.sleep(for: .milliseconds(10))
            }
            // Under a heavy load even a healthy reader's writer may fall 64 messages behind, and the
            // session closes it; it then only gets the checks below that hold for every client.
            guard transport.closes.isEmpty else { continue }
            let replies = transport.texts.filter { !Self.isPublished($0) }
            #expect(replies.count == expected, "\(client.name)")
            for (reply, request) in zip(replies, client.requests) {
                #expect(Self.isReply(reply, to: request), "\(client.name): \(reply) answers \(request)")
            }
            var model = Set<String>()
            for request in client.requests {
                if case .subscribe(let entity) = request { model.insert(Self.entity(entity)) }
                if case .unsubscribe(let entity) = request { model.remove(Self.entity(entity)) }
            }
            let stored = Set(fixture.subscriptions.subscriptions(of: ConnectionID(client.name)).map(\.rawValue))
            #expect(stored == model, "\(client.name)")
            fullyChecked += 1
        }

        for (client, _, transport) in opened {
            transport.releaseWrites()
            let requested = Set(
                client.requests.compactMap { request -> String? in
                    if case .subscribe(let entity) = request { return Self.entity(entity) }
                    return nil
                })
            var last: [String: Int] = [:]
            for (entity, sequence) in transport.texts.compactMap(Self.published) {
                #expect(requested.contains(entity), "\(client.name) got \(entity) without subscribing")
                #expect(sequence > last[entity, default: -1], "\(client.name): \(entity) out of order")
                last[entity] = sequence
            }
            if client.behaviour == .stalled, let close = transport.closes.first {
                #expect(close.code == SessionCloseCode.policyViolation)
            }
        }

        for (_, session, _) in opened {
            session.transportClosed()
            await session.waitUntilEnded()
        }
        #expect(fixture.subscriptions.count() == 0)
        #expect(try await fixture.connections.count() == 0)
        #expect(fixture.hub.sessionCount == 0)
        #expect(fullyChecked > 0 || !clients.contains { $0.behaviour == .healthy })
    }
}
