import WebSocketPubSub

/// The host's transport. A real one writes to sockets or posts to a gateway; this one prints.
struct ConsoleSender: ConnectionSender {
    func send(_ message: OutboundMessage, to recipients: [ConnectionID]) async -> [SendFailure] {
        for id in recipients {
            print("to \(id): \(String(decoding: message.bytes, as: UTF8.self))")
        }
        return []  // every recipient accepted the message
    }
}

// @main: the guide's entry point; a test target has its own, so GettingStartedTests calls main().
struct MyHost {
    static func main() async throws {
        let connections = InMemoryConnectionStore()
        let subscriptions = InMemorySubscriptionStore()
        let gateway = PubSubGateway(connections: connections, subscriptions: subscriptions)
        let notifier = Notifier(connections: connections, subscriptions: subscriptions, sender: ConsoleSender())

        // 1. A client connects ($connect).
        guard case .accepted(let connection) = await gateway.connect(remoteAddress: "203.0.113.7:50312") else {
            fatalError("the default router accepts every connection")
        }

        // 2. It sends a text message; the reply goes back to it.
        let request = Array(#"{"action":"subscribe","entityId":"order-42"}"#.utf8)
        if let reply = await gateway.handle(text: request, from: connection.id) {
            print("reply: \(String(decoding: reply.bytes, as: UTF8.self))")
        }

        // 3. The entity changes: every subscriber gets {"entityId":"order-42","message":{"status":"shipped"}}.
        let report = try await notifier.publish(
            entityId: try EntityID(validating: "order-42"), json: Array(#"{"status":"shipped"}"#.utf8))
        print("delivered \(report.delivered), gone \(report.gone), failed \(report.failed)")

        // 4. The client leaves ($disconnect): its record and subscriptions are removed.
        await gateway.disconnect(connection.id)
        print("subscriptions left: \(subscriptions.count())")
    }
}
