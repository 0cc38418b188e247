import Foundation
import Testing
import WebSocketPubSub
import WebSocketPubSubTesting

@Suite("PubSubGateway subscriptions")
struct GatewaySubscriptionTests {
    private func entityID(_ name: String) throws -> EntityID {
        try EntityID(validating: name)
    }

    @Test func subscribesAndAnswersExactly() async throws {
        let fixture = GatewayFixture()
        let id = try await fixture.open("c1")
        let reply = await fixture.send(#"{"action":"subscribe","entityId":"game-42"}"#, from: id)
        #expect(reply == #"{"status":"subscribed","entityId":"game-42"}"#)
        #expect(fixture.subscriptions.subscribers(of: try entityID("game-42")) == [id])
        #expect(
            fixture.observer.events == [
                .connectionOpened(id), .subscriptionAdded(id, try entityID("game-42")),
                .routeHandled(id, route: "subscribe"),
            ])
    }

    @Test func subscribingAgainAnswersTheSameAndChangesNothing() async throws {
        let fixture = GatewayFixture()
        let id = try await fixture.open("c1")
        let message = #"{"action":"subscribe","entityId":"E"}"#
        let first = await fixture.send(message, from: id)
        let second = await fixture.send(message, from: id)
        #expect(first == #"{"status":"subscribed","entityId":"E"}"#)
        #expect(second == first)
        #expect(fixture.subscriptions.count() == 1)
        #expect(fixture.observer.events.filter { if case .subscriptionAdded = $0 { true } else { false } }.count == 1)
    }

    @Test func escapesTheEntityInTheAnswer() async throws {
        let fixture = GatewayFixture()
        let id = try await fixture.open("c1")
        let reply = await fixture.send(#"{"action":"subscribe","entityId":"a\"b\\c\u0001é"}"#, from: id)
        #expect(reply == #"{"status":"subscribed","entityId":"a\"b\\c\u0001é"}"#)
        #expect(fixture.subscriptions.subscriptions(of: id) == [try entityID("a\"b\\c\u{01}é")])
    }

    @Test func unsubscribesAndAnswersExactly() async throws {
        let fixture = GatewayFixture()
        let id = try await fixture.open("c1")
        _ = await fixture.send(#"{"action":"subscribe","entityId":"E"}"#, from: id)
        let reply = await fixture.send(#"{"action":"unsubscribe","entityId":"E"}"#, from: id)
        #expect(reply == #"{"status":"unsubscribed","entityId":"E"}"#)
        #expect(fixture.subscriptions.count() == 0)
        #expect(fixture.observer.events.contains(.subscriptionRemoved(id, try entityID("E"))))
        let again = await fixture.send(#"{"action":"unsubscribe","entityId":"E"}"#, from: id)
        #expect(again == #"{"status":"unsubscribed","entityId":"E"}"#)
    }

    static let badEntities: [(String, String)] = [
        (
            #"{"action":"subscribe"}"#,
            #"{"error":"\"subscribe\" needs an \"entityId\" string field","code":"missing_entity_id"}"#
        ),
        (
            #"{"action":"subscribe","entityId":""}"#,
            #"{"error":"entityId must not be empty","code":"invalid_entity_id"}"#
        ),
        (
            #"{"action":"subscribe","entityId":42}"#,
            #"{"error":"the \"entityId\" field must be a string, not a number","code":"invalid_entity_id"}"#
        ),
        (
            #"{"action":"subscribe","entityId":{"id":"E"}}"#,
            #"{"error":"the \"entityId\" field must be a string, not an object","code":"invalid_entity_id"}"#
        ),
        (
            #"{"action":"subscribe","entityId":"E","entityId":"F"}"#,
            #"{"error":"the \"entityId\" field appears more than once","code":"invalid_entity_id"}"#
        ),
        (
            #"{"action":"subscribe","entityId":"\#(String(repeating: "x", count: 1025))"}"#,
            #"{"error":"entityId is 1025 bytes long; the limit is 1024 UTF-8 bytes","code":"invalid_entity_id"}"#
        ),
        (
            #"{"action":"unsubscribe","entityId":""}"#,
            #"{"error":"entityId must not be empty","code":"invalid_entity_id"}"#
        ),
        (
            #"{"action":"unsubscribe"}"#,
            #"{"error":"\"unsubscribe\" needs an \"entityId\" string field","code":"missing_entity_id"}"#
        ),
    ]

    @Test(arguments: badEntities)
    func refusesABadEntityWithAnExactError(_ message: String, expected: String) async throws {
        let fixture = GatewayFixture()
        let id = try await fixture.open("c1")
        #expect(await fixture.send(message, from: id) == expected)
        #expect(fixture.subscriptions.count() == 0)
        #expect(fixture.connections.connection(id) != nil)
    }

    @Test func acceptsAnEntityOfExactly1024Bytes() async throws {
        let fixture = GatewayFixture()
        let id = try await fixture.open("c1")
        let name = String(repeating: "é", count: 512)
        let reply = await fixture.send(#"{"action":"subscribe","entityId":"\#(name)"}"#, from: id)
        #expect(reply == #"{"status":"subscribed","entityId":"\#(name)"}"#)
    }

    @Test func refusesTheSubscriptionAfter128() async throws {
        let fixture = GatewayFixture()
        let id = try await fixture.open("c1")
        for index in 0..<128 {
            let reply = await fixture.send(#"{"action":"subscribe","entityId":"e\#(index)"}"#, from: id)
            #expect(reply == #"{"status":"subscribed","entityId":"e\#(index)"}"#)
        }
        let refused = await fixture.send(#"{"action":"subscribe","entityId":"e128"}"#, from: id)
        #expect(
            refused
                == #"{"error":"this connection already has 128 subscriptions, the limit; unsubscribe from one first","code":"subscription_limit_reached"}"#
        )
        #expect(fixture.subscriptions.count() == 128)
        #expect(
            await fixture.send(#"{"action":"subscribe","entityId":"e5"}"#, from: id)
                == #"{"status":"subscribed","entityId":"e5"}"#)
        #expect(
            fixture.observer.events.contains(
                .subscriptionRefused(
                    id, reason: "this connection already has 128 subscriptions, the limit; unsubscribe from one first"))
        )
    }

    @Test func honoursAConfiguredLimit() async throws {
        let fixture = GatewayFixture(configuration: .init(maxSubscriptionsPerConnection: 1))
        let id = try await fixture.open("c1")
        _ = await fixture.send(#"{"action":"subscribe","entityId":"a"}"#, from: id)
        let reply = await fixture.send(#"{"action":"subscribe","entityId":"b"}"#, from: id)
        #expect(
            reply
                == #"{"error":"this connection already has 1 subscriptions, the limit; unsubscribe from one first","code":"subscription_limit_reached"}"#
        )
    }

    @Test func asksTheSubscriptionAuthorizer() async throws {
        var router = MessageRouter()
        router.onConnect { _ in .accept(attributes: ["role": "guest"]) }
        let fixture = GatewayFixture(router: router) { connection, entity in
            entity.rawValue.hasPrefix("secret") && connection.attributes["role"] != "member"
                ? .deny(reason: "members only") : .allow
        }
        let id = try await fixture.open("c1")
        #expect(
            await fixture.send(#"{"action":"subscribe","entityId":"secret-1"}"#, from: id)
                == #"{"error":"not authorized to subscribe to \"secret-1\": members only","code":"not_authorized"}"#)
        #expect(
            await fixture.send(#"{"action":"subscribe","entityId":"public"}"#, from: id)
                == #"{"status":"subscribed","entityId":"public"}"#)
        #expect(fixture.subscriptions.subscriptions(of: id) == [try entityID("public")])
        #expect(
            fixture.observer.events.contains(
                .subscriptionRefused(id, reason: #"not authorized to subscribe to "secret-1": members only"#)))
    }

    @Test func answersAnInternalErrorWhenTheStoreFails() async throws {
        let connections = InMemoryConnectionStore()
        let gateway = PubSubGateway(connections: connections, subscriptions: FailingSubscriptionStore())
        _ = await gateway.connect(id: ConnectionID("c1"))
        for action in ["subscribe", "unsubscribe"] {
            let reply = await gateway.handle(
                text: Array(#"{"action":"\#(action)","entityId":"E"}"#.utf8), from: ConnectionID("c1"))
            #expect(
                reply == OutboundMessage(text: #"{"error":"internal error; try again later","code":"internal_error"}"#))
        }
        #expect(connections.count() == 1)
    }

    @Test func answersUnknownActionsThroughTheDefault() async throws {
        let fixture = GatewayFixture()
        let id = try await fixture.open("c1")
        #expect(
            await fixture.send(#"{"action":"publish","entityId":"E"}"#, from: id)
                == #"{"error":"unknown action \"publish\"","code":"unknown_action"}"#)
        #expect(
            fixture.observer.events.last
                == .routeFailed(id, route: "$default", reason: #"unknown_action: unknown action "publish""#))
    }

    @Test func keepsUserRoutesAndDefault() async throws {
        var router = MessageRouter()
        router.on("subscribe") { _ in OutboundMessage(text: "mine") }
        router.on("ping") { _ in OutboundMessage(text: "pong") }
        router.onDefault { context in OutboundMessage(text: "default \(context.action)") }
        let fixture = GatewayFixture(router: router)
        let id = try await fixture.open("c1")
        #expect(await fixture.send(#"{"action":"subscribe","entityId":"E"}"#, from: id) == "mine")
        #expect(await fixture.send(#"{"action":"ping"}"#, from: id) == "pong")
        #expect(await fixture.send(#"{"action":"other"}"#, from: id) == "default other")
        #expect(
            await fixture.send(#"{"action":"unsubscribe","entityId":"E"}"#, from: id)
                == #"{"status":"unsubscribed","entityId":"E"}"#)
        #expect(fixture.subscriptions.count() == 0)
    }

    @Test func worksWithoutAnObserver() async throws {
        let subscriptions = InMemorySubscriptionStore()
        let gateway = PubSubGateway(connections: InMemoryConnectionStore(), subscriptions: subscriptions)
        _ = await gateway.connect(id: ConnectionID("c1"))
        let reply = await gateway.handle(
            text: Array(#"{"action":"subscribe","entityId":"E"}"#.utf8), from: ConnectionID("c1"))
        #expect(reply == OutboundMessage(text: #"{"status":"subscribed","entityId":"E"}"#))
        #expect(subscriptions.count() == 1)
    }
}
