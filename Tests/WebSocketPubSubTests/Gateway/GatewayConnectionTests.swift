import Foundation
import Testing
import WebSocketPubSub
import WebSocketPubSubTesting

@Suite("PubSubGateway connections")
struct GatewayConnectionTests {
    @Test func acceptsAndRecordsAConnection() async throws {
        let fixture = GatewayFixture()
        let result = await fixture.gateway.connect(
            id: ConnectionID("c1"), remoteAddress: "203.0.113.7:50312", subprotocol: "websocket")
        let expected = Connection(
            id: ConnectionID("c1"), remoteAddress: "203.0.113.7:50312", connectedAt: Date(timeIntervalSince1970: 1_000),
            subprotocol: "websocket")
        #expect(result == .accepted(expected))
        #expect(fixture.connections.connection(ConnectionID("c1")) == expected)
        #expect(fixture.observer.events == [.connectionOpened(ConnectionID("c1"))])
    }

    @Test func attachesTheAuthorizersAttributes() async throws {
        var router = MessageRouter()
        router.onConnect { request in
            #expect(request.path == "/?room=7")
            return .accept(attributes: ["user": request.header("x-user") ?? "?"])
        }
        let fixture = GatewayFixture(router: router)
        let result = await fixture.gateway.connect(
            id: ConnectionID("c1"), path: "/?room=7", headers: [(name: "X-User", value: "ada")])
        guard case .accepted(let connection) = result else {
            Issue.record("refused: \(result)")
            return
        }
        #expect(connection.attributes == ["user": "ada"])
        #expect(fixture.connections.connection(ConnectionID("c1"))?.attributes == ["user": "ada"])
    }

    @Test func rejectsWhenTheAuthorizerRefuses() async {
        var router = MessageRouter()
        router.onConnect { _ in .unauthorized("missing token") }
        let fixture = GatewayFixture(router: router)
        #expect(
            await fixture.gateway.connect(id: ConnectionID("c1")) == .rejected(status: 401, reason: "missing token"))
        #expect(fixture.connections.count() == 0)
        #expect(fixture.observer.events == [.connectionRejected(ConnectionID("c1"), reason: "missing token")])
    }

    @Test func rejectsWith500WhenTheAuthorizerThrows() async {
        struct Broken: Error {}
        var router = MessageRouter()
        router.onConnect { _ in throw Broken() }
        let fixture = GatewayFixture(router: router)
        #expect(
            await fixture.gateway.connect(id: ConnectionID("c1"))
                == .rejected(status: 500, reason: "the connection could not be authorized"))
        #expect(fixture.connections.count() == 0)
    }

    @Test func marksAConnectionActiveOnEveryMessage() async throws {
        let fixture = GatewayFixture()
        let id = try await fixture.open("c1")
        fixture.clock.advance(by: 30)
        _ = await fixture.send(#"{"action":"nothing"}"#, from: id)
        #expect(fixture.connections.connection(id)?.lastActiveAt == Date(timeIntervalSince1970: 1_030))
        fixture.clock.advance(by: 5)
        _ = await fixture.gateway.handleBinary(from: id)
        #expect(fixture.connections.connection(id)?.lastActiveAt == Date(timeIntervalSince1970: 1_035))
        #expect(fixture.connections.connection(id)?.connectedAt == Date(timeIntervalSince1970: 1_000))
    }

    @Test func answersABinaryMessageWithAnErrorAndKeepsTheConnection() async throws {
        let fixture = GatewayFixture()
        let id = try await fixture.open("c1")
        let reply = await fixture.gateway.handleBinary(from: id)
        #expect(
            reply
                == OutboundMessage(
                    text:
                        #"{"error":"binary messages are not supported; send a JSON text message","code":"binary_message"}"#
                ))
        #expect(fixture.connections.connection(id) != nil)
    }

    @Test func answersAMessageFromAnUnknownConnection() async {
        let fixture = GatewayFixture()
        #expect(
            await fixture.send(#"{"action":"subscribe","entityId":"E"}"#, from: ConnectionID("ghost"))
                == #"{"error":"this connection is not open; reconnect","code":"unknown_connection"}"#)
        #expect(fixture.subscriptions.count() == 0)
    }

    @Test func disconnectRemovesTheConnectionAndEverySubscription() async throws {
        let fixture = GatewayFixture()
        let id = try await fixture.open("c1")
        let other = try await fixture.open("c2")
        for name in ["a", "b", "c"] {
            _ = await fixture.send(#"{"action":"subscribe","entityId":"\#(name)"}"#, from: id)
        }
        _ = await fixture.send(#"{"action":"subscribe","entityId":"a"}"#, from: other)
        fixture.observer.reset()

        await fixture.gateway.disconnect(id)
        #expect(fixture.connections.connection(id) == nil)
        #expect(fixture.subscriptions.subscriptions(of: id) == [])
        #expect(fixture.subscriptions.subscribers(of: try EntityID(validating: "a")) == [other])
        #expect(fixture.connections.count() == 1)
        #expect(fixture.observer.events == [.connectionClosed(id, subscriptionsRemoved: 3)])
    }

    @Test func disconnectingTwiceIsHarmless() async throws {
        let calls = CallCounter()
        var router = MessageRouter()
        router.onDisconnect { connection in
            #expect(connection.id == ConnectionID("c1"))
            calls.increment()
        }
        let fixture = GatewayFixture(router: router)
        let id = try await fixture.open("c1")
        await fixture.gateway.disconnect(id)
        await fixture.gateway.disconnect(id)
        #expect(calls.count == 1)
        #expect(
            fixture.observer.events == [.connectionOpened(id), .connectionClosed(id, subscriptionsRemoved: 0)])
    }

    @Test func disconnectCleansTheConnectionStoreEvenIfTheSubscriptionStoreFails() async throws {
        let connections = InMemoryConnectionStore()
        let observer = WebSocketPubSubTesting.RecordingObserver()
        let gateway = PubSubGateway(
            connections: connections, subscriptions: FailingSubscriptionStore(), observer: observer)
        _ = await gateway.connect(id: ConnectionID("c1"))
        await gateway.disconnect(ConnectionID("c1"))
        #expect(connections.count() == 0)
        #expect(observer.events.contains(.connectionClosed(ConnectionID("c1"), subscriptionsRemoved: 0)))
    }
}
