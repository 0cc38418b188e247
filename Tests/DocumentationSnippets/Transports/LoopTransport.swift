import WebSocketPubSub

/// What the guide's `LoopTransport` stands on: an event loop that runs work and writes to one socket.
protocol CallbackLoop: Sendable {
    func run(_ work: @escaping @Sendable () -> Void)
    func writeAndFlush(_ frames: [[UInt8]], then completion: @escaping @Sendable (Bool) -> Void)
    func close(code: UInt16)
}

struct LoopClosed: Error {}

struct LoopTransport: CallbackSessionTransport {
    let loop: any CallbackLoop

    func write(_ messages: [OutboundMessage], completion: @escaping @Sendable (Bool) -> Void) {
        loop.run { loop.writeAndFlush(messages.map(\.bytes), then: completion) }
    }

    func write(_ messages: [OutboundMessage]) async throws {
        let written = await withCheckedContinuation { continuation in
            write(messages) { continuation.resume(returning: $0) }
        }
        if !written { throw LoopClosed() }
    }

    func close(code: UInt16, reason: String) async {
        loop.run { loop.close(code: code) }
    }
}
