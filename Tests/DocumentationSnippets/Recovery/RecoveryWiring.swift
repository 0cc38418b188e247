import WebSocketPubSub

/// The three parts a host builds, with history on.
func makeRecoveringServer() -> (gateway: PubSubGateway, hub: SessionHub, notifier: Notifier) {
    let history = InMemoryHistoryStore(limits: HistoryLimits(maxMessagesPerEntity: 100, timeToLive: .seconds(300)))
    let gateway = PubSubGateway(
        connections: InMemoryConnectionStore(), subscriptions: InMemorySubscriptionStore(), history: history)
    let hub = SessionHub(gateway: gateway)
    let notifier = Notifier(
        connections: gateway.connections, subscriptions: gateway.subscriptions, sender: hub, history: history)
    return (gateway, hub, notifier)
}

/// A host without sessions (a serverless function) recovers with typed values.
func subscribeFromAFunction(
    gateway: PubSubGateway, connection: Connection, entity: EntityID, since: HistoryPosition?,
    send: (String) async -> Void
) async throws {
    let answer = try await gateway.subscribe(connection, to: entity, since: since)
    for entry in answer.replay {
        // entry.offset, entry.message: the published JSON value, as published.
        await send(String(decoding: entry.message, as: UTF8.self))
    }
}
