import WebSocketPubSub

/// The transport the README's host snippet names; a real one writes to the platform's connections.
struct MyTransport: ConnectionSender {
    func send(_ message: OutboundMessage, to recipients: [ConnectionID]) async -> [SendFailure] { [] }
}

/// What the README's host snippet sends replies through.
actor Outbox {
    private(set) var messages: [[UInt8]] = []

    func append(_ bytes: [UInt8]) { messages.append(bytes) }
}

/// README.md, "Plugging the library into other hosts". The properties stand for what the host's
/// callbacks provide.
struct ReadmeHost {
    var platformConnectionID: String
    var ip: String
    var bytes: [UInt8]
    var id: ConnectionID
    let outbox = Outbox()

    func send(_ bytes: [UInt8], to id: ConnectionID) async throws {
        await outbox.append(bytes)
    }

    func run() async throws -> DeliveryReport {
        let connections = InMemoryConnectionStore()  // or your database-backed store
        let subscriptions = InMemorySubscriptionStore()
        let gateway = PubSubGateway(connections: connections, subscriptions: subscriptions)
        let notifier = Notifier(connections: connections, subscriptions: subscriptions, sender: MyTransport())

        // From the host's callbacks:
        _ = await gateway.connect(id: ConnectionID(platformConnectionID), remoteAddress: ip)  // $connect
        if let reply = await gateway.handle(text: bytes, from: id) { try await send(reply.bytes, to: id) }
        await gateway.disconnect(id)  // $disconnect

        // When an entity changes:
        let report = try await notifier.publish(
            entityId: try EntityID(validating: "order-42"), json: Array(#"{"status":"shipped"}"#.utf8))
        return report
    }
}
