import Foundation
import Testing
import WebSocketPubSub
import WebSocketPubSubTesting

@Suite("Session hub: connect, shutdown, delivery", .timeLimit(.minutes(1)))
struct SessionHubTests {
    @Test func aRefusalIsAnHTTPStatusAndRecordsNothing() async throws {
        var router = MessageRouter()
        router.onConnect { request in
            request.header("X-User") == nil ? .unauthorized("missing X-User") : .accept(attributes: ["user": "ann"])
        }
        let fixture = SessionFixture(router: router)
        let refused = await fixture.hub.authorize(ConnectRequest(id: ConnectionID("c1")))
        guard case .rejected(let status, let reason) = refused else {
            Issue.record("expected a rejection, got \(refused)")
            return
        }
        #expect(status == 401)
        #expect(reason == "missing X-User")
        #expect(try await fixture.connections.count() == 0)
    }

    @Test func anUpgradeThatFailsAfterAuthorizationLeavesNoRecord() async throws {
        var router = MessageRouter()
        router.onConnect { _ in .accept(attributes: ["user": "ann"]) }
        let fixture = SessionFixture(router: router)
        let verdict = await fixture.hub.authorize(
            ConnectRequest(id: ConnectionID("c1"), headers: [("X-User", "ann")]))
        guard case .accepted(let authorized) = verdict else {
            Issue.record("expected acceptance, got \(verdict)")
            return
        }
        // The host's upgrade fails here: it never calls `open`.
        #expect(try await fixture.connections.count() == 0)
        // Had it completed, `open` would have recorded the connection with the authorizer's attributes.
        let session = try #require(await fixture.hub.open(authorized, transport: RecordingSessionTransport()))
        #expect(session.connection.attributes == ["user": "ann"])
        #expect(try await fixture.connections.count() == 1)
    }

    @Test func aStoreThatCannotRecordClosesTheTransportWith1011() async {
        let fixture = SessionFixture(connections: FailingInsertConnectionStore())
        let transport = RecordingSessionTransport()
        let result = await fixture.hub.connect(ConnectRequest(id: ConnectionID("c1")), transport: transport)
        guard case .failed(let code, _) = result else {
            Issue.record("expected a failure, got \(result)")
            return
        }
        #expect(code == SessionCloseCode.internalError)
        #expect(transport.closes.map(\.code) == [SessionCloseCode.internalError])
        #expect(fixture.hub.sessionCount == 0)
    }

    @Test func shutdownClosesEverySessionWith1001AndRefusesNewOnes() async throws {
        let fixture = SessionFixture()
        let (first, firstTransport) = try #require(await fixture.open("c1"))
        let (_, secondTransport) = try #require(await fixture.open("c2"))
        await fixture.hub.shutdown()
        #expect(firstTransport.closes.map(\.code) == [SessionCloseCode.goingAway])
        #expect(secondTransport.closes.map(\.code) == [SessionCloseCode.goingAway])
        let late = RecordingSessionTransport()
        let result = await fixture.hub.connect(ConnectRequest(id: ConnectionID("c3")), transport: late)
        guard case .failed(let code, _) = result else {
            Issue.record("expected a refusal, got \(result)")
            return
        }
        #expect(code == SessionCloseCode.goingAway)
        #expect(try await fixture.connections.count() == 2)
        first.transportClosed()
        await first.waitUntilEnded()
        #expect(try await fixture.connections.count() == 1)
    }

    @Test(arguments: [UnheldRecipientPolicy.gone, .heldElsewhere])
    func aRecipientNoSessionHoldsIsReportedAsThePolicySays(_ policy: UnheldRecipientPolicy) async throws {
        let fixture = SessionFixture(unheld: policy)
        let (_, transport) = try #require(await fixture.subscribed("here", to: "e"))
        // A connection subscribed in the shared stores that this process does not hold.
        try await fixture.connections.insert(Connection(id: ConnectionID("there"), connectedAt: Date()))
        _ = try fixture.subscriptions.subscribe(ConnectionID("there"), to: EntityID(validating: "e"), limit: 8)

        let report = try await fixture.notifier.publish(entityId: EntityID(validating: "e"), json: Array("1".utf8))

        await transport.waitForMessages(2)
        #expect(report.recipients == 2)
        #expect(report.delivered == 1)
        switch policy {
        case .gone:
            #expect(report.goneConnections == [ConnectionID("there")])
            #expect(fixture.subscriptions.subscriptions(of: ConnectionID("there")).isEmpty)
        case .heldElsewhere:
            #expect(report.heldElsewhere == 1)
            #expect(report.gone == 0 && report.failed == 0)
            #expect(fixture.subscriptions.subscriptions(of: ConnectionID("there")).count == 1)
        }
    }
}
