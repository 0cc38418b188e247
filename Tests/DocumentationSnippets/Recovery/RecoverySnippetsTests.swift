import Testing
import WebSocketPubSub
import WebSocketPubSubTesting

@Suite("Recovery.md: the snippets work", .timeLimit(.minutes(1)))
struct RecoverySnippetsTests {
    @Test func theResumingClientGetsWhatItMissedFromTheWiredServer() async throws {
        let server = makeRecoveringServer()
        let game = try EntityID(validating: "game")
        var client = ResumingClient()

        let first = RecordingSessionTransport()
        guard case .opened(let session) = await server.hub.connect(ConnectRequest(id: .random()), transport: first)
        else {
            Issue.record("the session did not open")
            return
        }
        await session.handle(text: try client.subscribeMessage(for: "game"))
        _ = try await server.notifier.publish(entityId: game, json: Array("1".utf8))
        await first.waitForMessages(2)
        for text in first.texts { try client.received(text) }
        session.transportClosed()
        await session.waitUntilEnded()

        for value in 2...4 { _ = try await server.notifier.publish(entityId: game, json: Array("\(value)".utf8)) }

        let second = RecordingSessionTransport()
        guard case .opened(let again) = await server.hub.connect(ConnectRequest(id: .random()), transport: second)
        else {
            Issue.record("the session did not open")
            return
        }
        let resubscribe = try client.subscribeMessage(for: "game")
        #expect(resubscribe.contains(#""since""#))
        await again.handle(text: resubscribe)
        await second.waitForMessages(4)
        for text in second.texts { try client.received(text) }

        #expect(second.texts.dropFirst().map { $0.contains(#""offset":"#) } == [true, true, true])
        #expect(client.positions["game"]?.offset == 4)
        #expect(client.needsReload.isEmpty)
    }

    @Test func aFunctionHostSendsTheReplayItself() async throws {
        let server = makeRecoveringServer()
        let game = try EntityID(validating: "game")
        for value in 1...3 { _ = try await server.notifier.publish(entityId: game, json: Array("\(value)".utf8)) }
        guard case .accepted(let connection) = await server.gateway.connect(id: .random()) else {
            Issue.record("not accepted")
            return
        }
        let epoch = try await server.gateway.subscribe(connection, to: game).position?.epoch ?? ""
        let sent = StoreLock<[String]>([])
        try await subscribeFromAFunction(
            gateway: server.gateway, connection: connection, entity: game,
            since: HistoryPosition(offset: 1, epoch: epoch)
        ) { text in sent.withLock { $0.append(text) } }
        #expect(sent.withLock { $0 } == ["2", "3"])
    }
}
