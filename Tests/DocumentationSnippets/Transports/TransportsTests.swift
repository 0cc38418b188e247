import Testing
import WebSocketPubSub
import WebSocketPubSubTesting

/// A socket that records what it was sent.
final class RecordedSocket: FrameworkSocket {
    let transport = RecordingSessionTransport()

    func send(text: String) async throws {
        try await transport.write([OutboundMessage(text: text)])
    }

    func close(code: UInt16, reason: String) async {
        await transport.close(code: code, reason: reason)
    }
}

@Suite("Transports.md, as written")
struct TransportsTests {
    @Test func aSequentialHostSubscribesGetsPublishesAndCleansUp() async throws {
        let (hub, notifier) = makeServer()
        let socket = RecordedSocket()
        let (messages, input) = AsyncStream.makeStream(of: String.self)
        let served = Task { await serve(socket: socket, messages: messages, hub: hub) }
        input.yield(#"{"action":"subscribe","entityId":"game-42"}"#)
        await socket.transport.waitForMessages(1)
        let report = try await notifier.publish(entityId: EntityID(validating: "game-42"), json: Array("3".utf8))
        #expect(report.delivered == 1)
        await socket.transport.waitForMessages(2)
        #expect(socket.transport.texts.last == #"{"entityId":"game-42","message":3}"#)
        input.finish()
        await served.value
        #expect(try await hub.gateway.subscriptions.count() == 0)
    }

    @Test func theTwoStepConnectOpensASession() async throws {
        let (hub, _) = makeServer()
        let transport = RecordingSessionTransport()
        #expect(await upgrade(request: ConnectRequest(id: .random()), hub: hub, transport: transport) == 101)
        await transport.waitForMessages(1)
        #expect(transport.texts == [#"{"status":"subscribed","entityId":"game-42"}"#])
    }
}
