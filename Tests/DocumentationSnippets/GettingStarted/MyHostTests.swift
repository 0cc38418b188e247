import Testing
import WebSocketPubSub
import WebSocketPubSubTesting

@Test func subscriberReceivesPublishedChange() async throws {
    let connections = InMemoryConnectionStore()
    let subscriptions = InMemorySubscriptionStore()
    let sender = RecordingConnectionSender()
    let gateway = PubSubGateway(connections: connections, subscriptions: subscriptions)
    let notifier = Notifier(connections: connections, subscriptions: subscriptions, sender: sender)

    guard case .accepted(let connection) = await gateway.connect() else {
        Issue.record("refused")
        return
    }
    _ = await gateway.handle(text: Array(#"{"action":"subscribe","entityId":"order-42"}"#.utf8), from: connection.id)
    let report = try await notifier.publish(entityId: try EntityID(validating: "order-42"), json: Array("1".utf8))

    #expect(report.delivered == 1)
    #expect(sender.deliveries(to: connection.id) == [OutboundMessage(text: #"{"entityId":"order-42","message":1}"#)])
}
