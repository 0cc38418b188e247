import WebSocketPubSub

/// Transports.md, "Delivery semantics of `Notifier`".
func publishOnce(
    connections: any ConnectionStore, subscriptions: any SubscriptionStore, transport: any ConnectionSender
) async throws -> DeliveryReport {
    let notifier = Notifier(connections: connections, subscriptions: subscriptions, sender: transport)
    let report = try await notifier.publish(entityId: try EntityID(validating: "game-42"), json: Array(#"{"score":3}"#.utf8))
    // report.delivered + report.gone + report.failed == report.recipients
    return report
}

/// Transports.md, "Consuming an event queue, with dead letters".
func consumeQueue(notifier: Notifier) async throws {
    let (events, queue) = AsyncStream.makeStream(of: PublishEvent.self)
    queue.yield(PublishEvent(entityId: try EntityID(validating: "order-42"), json: Array(#"{"status":"shipped"}"#.utf8)))
    queue.finish()

    try await notifier.consume(events, maxConcurrentEvents: 16) { event, cause in
        switch cause {
        case .undelivered(let report):
            print("gave up \(report.failedConnections) for \(event.entityId)")
        case .publishFailed(let error):
            print("could not publish \(event.entityId): \(error)")
        }
    }
}
