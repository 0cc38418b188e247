import WebSocketPubSub

/// The socket API of an imaginary framework, standing in for the one a host already has.
protocol FrameworkSocket: Sendable {
    func send(text: String) async throws
    func close(code: UInt16, reason: String) async
}

/// Transports.md, "A host that holds its connections": the whole per-connection seam.
struct SocketTransport: SessionTransport {
    let socket: any FrameworkSocket

    func write(_ messages: [OutboundMessage]) async throws {
        for message in messages {
            try await socket.send(text: String(decoding: message.bytes, as: UTF8.self))
        }
    }

    func close(code: UInt16, reason: String) async {
        await socket.close(code: code, reason: reason)
    }
}

/// Transports.md: the lifecycle of one connection in a host with a sequential read loop.
func serve(socket: any FrameworkSocket, messages: AsyncStream<String>, hub: SessionHub) async {
    let request = ConnectRequest(id: .random(), remoteAddress: "203.0.113.7:50312", subprotocol: "websocket")
    guard case .opened(let session) = await hub.connect(request, transport: SocketTransport(socket: socket))
    else { return }  // refused (answer the status) or failed (the hub already closed the socket)
    for await text in messages {
        await session.handle(text: text)  // in order; returns once the reply is queued
    }
    session.transportClosed()  // $disconnect runs after the last message
    await session.waitUntilEnded()
}

/// Transports.md: wiring the hub, the notifier and the endpoints.
func makeServer() -> (hub: SessionHub, notifier: Notifier) {
    let gateway = PubSubGateway(connections: InMemoryConnectionStore(), subscriptions: InMemorySubscriptionStore())
    let hub = SessionHub(
        gateway: gateway,
        configuration: SessionConfiguration(
            maxQueuedMessages: 1024, maxQueuedBytes: 4 << 20, slowConsumerPolicy: .close)
    )
    let notifier = Notifier(connections: gateway.connections, subscriptions: gateway.subscriptions, sender: hub)
    return (hub, notifier)
}

/// Transports.md, "$connect in two steps".
func upgrade(request: ConnectRequest, hub: SessionHub, transport: any SessionTransport) async -> Int? {
    // In the framework's "should upgrade?" callback, before any 101:
    guard case .accepted(let authorized) = await hub.authorize(request) else {
        return 401  // answer the refusal's status; nothing was recorded
    }
    // Once the framework has completed the upgrade:
    guard let session = await hub.open(authorized, transport: transport) else { return nil }
    session.receive(text: #"{"action":"subscribe","entityId":"game-42"}"#)
    return 101
}
