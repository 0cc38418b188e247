import Testing
import WebSocketPubSub
import WebSocketPubSubTesting

@Test func subscribeAnswersInternalErrorWhenTheDatabaseFails() async throws {
    let connections = InMemoryConnectionStore()
    let subscriptions = FailureInjectingSubscriptionStore()  // over an InMemorySubscriptionStore
    let gateway = PubSubGateway(connections: connections, subscriptions: subscriptions)
    connections.insert(.fixture(id: "c1"))
    subscriptions.inject(InjectedFault(times: 1), into: .subscribe)

    let request = Array(#"{"action":"subscribe","entityId":"order-42"}"#.utf8)
    let reply = await gateway.handle(text: request, from: ConnectionID("c1"))

    #expect(reply?.text?.contains(#""code":"internal_error""#) == true)
    #expect(subscriptions.failures(of: .subscribe) == 1)
    #expect(try await subscriptions.count() == 0)
}
