import Foundation
import Testing
import WebSocketPubSub
import WebSocketPubSubTesting

@Suite("Sessions: inbound order, disconnect, activity", .timeLimit(.minutes(1)))
struct PubSubSessionTests {
    @Test func handlesMessagesInTheOrderReceivedAndRepliesInThatOrder() async throws {
        let fixture = SessionFixture()
        let (session, transport) = try #require(await fixture.open("c1"))
        let entities = (0..<50).map { "e\($0)" }
        for entity in entities {
            session.receive(text: subscribeMessage(entity))
        }
        await transport.waitForMessages(entities.count)
        #expect(transport.texts == entities.map { #"{"status":"subscribed","entityId":"\#($0)"}"# })
        #expect(fixture.subscriptions.subscriptions(of: session.id).count == entities.count)
    }

    @Test func orderHoldsWhenEveryMessageComesFromItsOwnTask() async throws {
        // Vapor's async callbacks start a task per message; the session still handles them in the
        // order they were received, which is the order `receive` was called.
        let router = {
            var router = MessageRouter()
            router.on("echo") { context in OutboundMessage(bytes: context.message) }
            return router
        }()
        let fixture = SessionFixture(router: router)
        let (session, transport) = try #require(await fixture.open("c1"))
        let messages = (0..<40).map { #"{"action":"echo","n":\#($0)}"# }
        for message in messages {
            session.receive(text: message)
            await Task.yield()
        }
        await transport.waitForMessages(messages.count)
        #expect(transport.texts == messages)
    }

    @Test func disconnectRunsOnceAfterTheLastQueuedMessage() async throws {
        let fixture = SessionFixture()
        let (session, _) = try #require(await fixture.open("c1"))
        for index in 0..<20 {
            session.receive(text: subscribeMessage("e\(index)"))
        }
        session.transportClosed()
        session.transportClosed()
        await session.waitUntilEnded()
        // Every subscribe was handled before $disconnect, which then removed them all: none outlives it.
        #expect(fixture.subscriptions.count() == 0)
        #expect(try await fixture.connections.count() == 0)
        #expect(fixture.hub.sessionCount == 0)
        #expect(session.isEnded)
    }

    @Test func binaryMessagesGetAnErrorReplyInOrderAndKeepTheConnection() async throws {
        let fixture = SessionFixture()
        let (session, transport) = try #require(await fixture.open("c1"))
        session.receive(text: subscribeMessage("a"))
        session.receiveBinary()
        session.receive(text: subscribeMessage("b"))
        await transport.waitForMessages(3)
        let replies = transport.texts
        #expect(replies[0] == #"{"status":"subscribed","entityId":"a"}"#)
        #expect(replies[1].contains(#""code":"binary_message""#))
        #expect(replies[2] == #"{"status":"subscribed","entityId":"b"}"#)
        #expect(transport.closes.isEmpty)
    }

    @Test func activityIsWrittenAtMostOncePerInterval() async throws {
        let fixture = SessionFixture(configuration: SessionConfiguration(activityInterval: .seconds(30)))
        let (session, _) = try #require(await fixture.open("c1"))
        for index in 0..<10 {
            await session.handle(text: subscribeMessage("e\(index)"))
        }
        #expect(fixture.connections.touches == 0)
        fixture.clock.advance(by: .seconds(30))
        for index in 0..<10 {
            await session.handle(text: subscribeMessage("f\(index)"))
        }
        #expect(fixture.connections.touches == 1)
        fixture.clock.advance(by: .seconds(29))
        await session.handle(text: subscribeMessage("g"))
        #expect(fixture.connections.touches == 1)
        fixture.clock.advance(by: .seconds(1))
        await session.handle(text: subscribeMessage("h"))
        #expect(fixture.connections.touches == 2)
    }

    @Test func aPeerThatSendsFasterThanItIsServedIsClosedWith1008() async throws {
        let gate = AsyncGate()
        let router = {
            var router = MessageRouter()
            router.on("slow") { _ in
                await gate.wait()
                return nil
            }
            return router
        }()
        let fixture = SessionFixture(configuration: SessionConfiguration(maxQueuedInboundMessages: 4), router: router)
        let (session, transport) = try #require(await fixture.open("c1"))
        for _ in 0..<5 {
            session.receive(text: #"{"action":"slow"}"#)
        }
        #expect(session.queuedInboundCount <= 4)
        await transport.waitForClose()
        #expect(transport.closes.first?.code == SessionCloseCode.policyViolation)
        await gate.open()
    }

    @Test func handleReturnsOnceTheReplyIsQueued() async throws {
        let fixture = SessionFixture()
        let (session, transport) = try #require(await fixture.open("c1"))
        await session.handle(text: subscribeMessage("a"))
        // The subscription is in effect when `handle` returns; the reply is queued for the writer.
        #expect(fixture.subscriptions.subscribers(of: try EntityID(validating: "a")) == [session.id])
        await transport.waitForMessages(1)
        #expect(transport.texts == [#"{"status":"subscribed","entityId":"a"}"#])
    }
}

/// A gate that route handlers wait at until the test opens it.
actor AsyncGate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }
}
