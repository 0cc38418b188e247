import Synchronization
import Testing
import WebSocketPubSub
import WebSocketPubSubTesting

/// A callback transport that completes each write at once, later (when the test says), or as gone.
final class CallbackRecordingTransport: CallbackSessionTransport {
    enum Mode: Sendable {
        case inline
        case deferred
        case gone
    }

    private struct State {
        var batches: [[OutboundMessage]] = []
        var pending: [@Sendable (Bool) -> Void] = []
        var asyncWrites = 0
        var inFlight = 0
        var maxInFlight = 0
    }

    let mode: Mode
    private let state = StoreLock(State())

    init(mode: Mode) {
        self.mode = mode
    }

    func write(_ messages: [OutboundMessage], completion: @escaping @Sendable (Bool) -> Void) {
        state.withLock { state in
            state.batches.append(messages)
            state.inFlight += 1
            state.maxInFlight = max(state.maxInFlight, state.inFlight)
        }
        switch mode {
        case .inline:
            state.withLock { $0.inFlight -= 1 }
            completion(true)
        case .deferred:
            state.withLock { $0.pending.append(completion) }
        case .gone:
            state.withLock { $0.inFlight -= 1 }
            completion(false)
        }
    }

    func write(_ messages: [OutboundMessage]) async throws {
        state.withLock { state in
            state.batches.append(messages)
            state.asyncWrites += 1
        }
    }

    func close(code: UInt16, reason: String) async {}

    /// Completes the oldest pending write.
    func completeOne() -> Bool {
        guard
            let completion = state.withLock({ state -> (@Sendable (Bool) -> Void)? in
                guard !state.pending.isEmpty else { return nil }
                state.inFlight -= 1
                return state.pending.removeFirst()
            })
        else { return false }
        completion(true)
        return true
    }

    var batches: [[OutboundMessage]] { state.withLock { $0.batches } }
    var texts: [String] { batches.joined().map { String(decoding: $0.bytes, as: UTF8.self) } }
    var asyncWrites: Int { state.withLock { $0.asyncWrites } }
    var maxInFlight: Int { state.withLock { $0.maxInFlight } }
}

@Suite("Sessions: a transport that takes batches by callback", .timeLimit(.minutes(1)))
struct CallbackTransportTests {
    func open(_ fixture: SessionFixture, _ transport: CallbackRecordingTransport) async throws -> PubSubSession {
        guard case .opened(let session) = await fixture.hub.connect(ConnectRequest(id: .random()), transport: transport)
        else { throw SessionOpenFailed() }
        return session
    }

    struct SessionOpenFailed: Error {}

    @Test func inlineCompletionsDeliverEveryMessageInOrderWithoutAWriterTask() async throws {
        let fixture = SessionFixture()
        let transport = CallbackRecordingTransport(mode: .inline)
        let session = try await open(fixture, transport)
        for index in 0..<5_000 { session.send(OutboundMessage(text: "\(index)")) }

        #expect(transport.texts == (0..<5_000).map { "\($0)" })
        #expect(transport.asyncWrites == 0)
    }

    @Test func deferredCompletionsKeepOneBatchInFlightAndCoalesceTheRest() async throws {
        let fixture = SessionFixture()
        let transport = CallbackRecordingTransport(mode: .deferred)
        let session = try await open(fixture, transport)
        session.send(OutboundMessage(text: "0"))
        for index in 1..<10 { session.send(OutboundMessage(text: "\(index)")) }
        #expect(transport.batches.count == 1)
        #expect(transport.completeOne())
        #expect(transport.batches.map(\.count) == [1, 9])
        #expect(transport.completeOne())
        #expect(!transport.completeOne())

        #expect(transport.texts == (0..<10).map { "\($0)" })
        #expect(transport.maxInFlight == 1)
        #expect(session.queuedOutboundCount == 0)
    }

    @Test func aFailedCompletionMeansTheConnectionIsGone() async throws {
        let fixture = SessionFixture()
        let transport = CallbackRecordingTransport(mode: .gone)
        let session = try await open(fixture, transport)
        #expect(session.send(OutboundMessage(text: "first")) == nil)
        #expect(session.send(OutboundMessage(text: "second")) == .gone)
    }

    @Test func aPublishReachesCallbackSessionsInOrderFromManyPublishers() async throws {
        let fixture = SessionFixture()
        let transport = CallbackRecordingTransport(mode: .inline)
        let session = try await open(fixture, transport)
        await session.handle(text: subscribeMessage("e"))
        let entity = try EntityID(validating: "e")
        for index in 0..<200 { _ = try await fixture.notifier.publish(entityId: entity, json: Array("\(index)".utf8)) }

        #expect(transport.texts.dropFirst() == ArraySlice((0..<200).map { #"{"entityId":"e","message":\#($0)}"# }))
    }

    @Test func receiveAnswersAnIdleSessionBeforeItReturns() async throws {
        let fixture = SessionFixture()
        let transport = CallbackRecordingTransport(mode: .inline)
        let session = try await open(fixture, transport)
        let handled = Atomic<Int>(0)

        session.receive(text: subscribeMessage("e")) { handled.add(1, ordering: .relaxed) }
        session.receive(text: #"{"action":"unsubscribe","entityId":"e"}"#) { handled.add(1, ordering: .relaxed) }
        session.receiveBinary { handled.add(1, ordering: .relaxed) }

        // Nothing awaited in between: each message was routed, answered and written by `receive`.
        #expect(handled.load(ordering: .relaxed) == 3)
        #expect(transport.texts.count == 3)
        #expect(
            Array(transport.texts.prefix(2)) == [
                #"{"status":"subscribed","entityId":"e"}"#, #"{"status":"unsubscribed","entityId":"e"}"#,
            ])
        #expect(transport.texts.last?.contains(#""code":"binary_message""#) == true)
        #expect(transport.asyncWrites == 0)
        #expect(session.queuedInboundCount == 0)
    }

    @Test func receiveWaitsBehindAWriteInProgressAndKeepsTheOrder() async throws {
        let fixture = SessionFixture()
        let transport = CallbackRecordingTransport(mode: .deferred)
        let session = try await open(fixture, transport)
        let entities = (0..<20).map { "e\($0)" }

        for entity in entities { session.receive(text: subscribeMessage(entity)) }
        // The first reply's write is still in flight: the others were queued, not answered at once.
        #expect(transport.batches.count == 1)
        for _ in 0..<10_000 where transport.texts.count < entities.count {
            if !transport.completeOne() { await Task.yield() }
        }

        #expect(transport.texts == entities.map { #"{"status":"subscribed","entityId":"\#($0)"}"# })
        #expect(transport.maxInFlight == 1)
        #expect(fixture.subscriptions.subscriptions(of: session.id).count == entities.count)
    }
}
