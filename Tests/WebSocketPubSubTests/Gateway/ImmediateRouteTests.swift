import Foundation
import Testing
import WebSocketPubSubTesting

@testable import WebSocketPubSub

/// The built-in routes over a store that updates in place answer without suspending; everything
/// they do must be exactly what the suspending path does.
@Suite("PubSubGateway: routes answered without suspending")
struct ImmediateRouteTests {
    private static let connection = Connection(id: ConnectionID("c1"), connectedAt: Date(timeIntervalSince1970: 0))

    private func isAnswered(_ gateway: PubSubGateway, _ message: String) -> Bool {
        if case .answered = gateway.routeImmediately(text: Array(message.utf8), from: Self.connection, feed: nil) {
            return true
        }
        return false
    }

    @Test func builtInRoutesOverAnInPlaceStoreAnswerAtOnce() {
        let gateway = PubSubGateway(connections: InMemoryConnectionStore(), subscriptions: InMemorySubscriptionStore())
        #expect(isAnswered(gateway, #"{"action":"subscribe","entityId":"E"}"#))
        #expect(isAnswered(gateway, #"{"action":"unsubscribe","entityId":"E"}"#))
        #expect(isAnswered(gateway, #"{"action":"subscribe","entityId":""}"#))
        // A message the router refuses never reaches a handler.
        #expect(isAnswered(gateway, #"{"action":"nope"}"#))
        #expect(isAnswered(gateway, "not json"))
    }

    @Test func routesThatCanSuspendArePending() {
        let store = InMemorySubscriptionStore()
        let authorized = PubSubGateway(
            connections: InMemoryConnectionStore(), subscriptions: store, authorizeSubscription: { _, _ in .allow })
        #expect(!isAnswered(authorized, #"{"action":"subscribe","entityId":"E"}"#))
        #expect(isAnswered(authorized, #"{"action":"unsubscribe","entityId":"E"}"#))

        let withHistory = PubSubGateway(
            connections: InMemoryConnectionStore(), subscriptions: store,
            history: InMemoryHistoryStore(limits: HistoryLimits(maxMessagesPerEntity: 10)))
        #expect(!isAnswered(withHistory, #"{"action":"subscribe","entityId":"E"}"#))
        #expect(isAnswered(withHistory, #"{"action":"unsubscribe","entityId":"E"}"#))

        let remote = PubSubGateway(
            connections: InMemoryConnectionStore(), subscriptions: FailureInjectingSubscriptionStore())
        #expect(!isAnswered(remote, #"{"action":"subscribe","entityId":"E"}"#))
        #expect(!isAnswered(remote, #"{"action":"unsubscribe","entityId":"E"}"#))

        var router = MessageRouter()
        router.on("subscribe") { _ in nil }
        router.onDefault { _ in nil }
        let own = PubSubGateway(router: router, connections: InMemoryConnectionStore(), subscriptions: store)
        #expect(!isAnswered(own, #"{"action":"subscribe","entityId":"E"}"#))
        #expect(!isAnswered(own, #"{"action":"other"}"#))
        #expect(isAnswered(own, #"{"action":"unsubscribe","entityId":"E"}"#))
        #expect(store.count() == 0)
    }

    /// Every kind of subscribe and unsubscribe, good and bad, to run through both paths.
    static let script = [
        #"{"action":"subscribe","entityId":"a"}"#,
        #"{"action":"subscribe","entityId":"a"}"#,
        #"{"entityId":"b","action":"subscribe"}"#,
        #"{"action":"subscribe","entityId":"c"}"#,
        #"{"action":"subscribe","entityId":"b","entityId":"c"}"#,
        #"{"action":"subscribe","entityId":""}"#,
        #"{"action":"subscribe","entityId":7}"#,
        #"{"action":"subscribe"}"#,
        #"{"action":"subscribe","entityId":"\u0061\"é"}"#,
        #"{"action":"unsubscribe","entityId":"a"}"#,
        #"{"action":"unsubscribe","entityId":"a"}"#,
        #"{"action":"unsubscribe","entityId":null}"#,
        #"{"action":"unsubscribe","entityId":"x","entityId":"x"}"#,
        #"{"action":"subscribe","entityId":"d"}"#,
        #"{"action":"subscribe","entityId":"e"}"#,
    ]

    @Test func bothPathsAnswerReportAndStoreTheSame() async throws {
        func run(_ subscriptions: any SubscriptionStore) async throws -> ([String], [PubSubEvent], [EntityID]) {
            let observer = RecordingObserver()
            let gateway = PubSubGateway(
                connections: InMemoryConnectionStore(), subscriptions: subscriptions,
                configuration: .init(maxSubscriptionsPerConnection: 3), observer: observer)
            guard case .accepted(let connection) = await gateway.connect(id: ConnectionID("c1")) else {
                throw CancellationError()
            }
            var replies: [String] = []
            for message in Self.script {
                let reply = await gateway.handle(text: Array(message.utf8), from: connection)
                replies.append(reply.map { String(decoding: $0.bytes, as: UTF8.self) } ?? "none")
            }
            let held = try await subscriptions.subscriptions(of: connection.id).sorted()
            return (replies, observer.events, held)
        }
        let immediate = try await run(InMemorySubscriptionStore())
        let suspending = try await run(FailureInjectingSubscriptionStore(wrapping: InMemorySubscriptionStore()))
        #expect(immediate.0 == suspending.0)
        #expect(immediate.1 == suspending.1)
        #expect(immediate.2 == suspending.2)
        #expect(immediate.2.map(\.rawValue) == ["b", "c", "d"])
        #expect(
            immediate.0.last
                == #"{"error":"this connection already has 3 subscriptions, the limit; unsubscribe from one first","code":"subscription_limit_reached"}"#
        )
    }
}
