import NIOCore
import NIOWebSocket
import WebSocketKit
import WebSocketPubSub

/// A session's transport over a websocket-kit socket.
///
/// websocket-kit's `send` never waits; this transport completes a batch only once the channel has
/// written it, so that a client that stops reading holds its own session's queue (which the session
/// bounds by its slow-consumer policy) instead of growing NIO's outbound buffer without limit.
///
/// It takes batches by callback (``CallbackSessionTransport``): the session hands over each batch,
/// and the next from the write's completion, without a writer task per delivery.
struct VaporSessionTransport: CallbackSessionTransport {
    /// How long a close frame may wait behind a reader that stopped reading before the socket goes.
    static let closeGrace: TimeAmount = .seconds(2)

    let webSocket: WebSocket
    let channel: any Channel

    func write(_ messages: [OutboundMessage], completion: @escaping @Sendable (Bool) -> Void) {
        guard let written = send(messages) else { return completion(true) }
        written.whenComplete { result in
            if case .success = result { completion(true) } else { completion(false) }
        }
    }

    func write(_ messages: [OutboundMessage]) async throws {
        try await send(messages)?.get()
    }

    /// Sends the batch; the future of its last frame (writes complete in order: the last one done
    /// means the batch is), `nil` for an empty batch.
    private func send(_ messages: [OutboundMessage]) -> EventLoopFuture<Void>? {
        guard let last = messages.indices.last else { return nil }
        let written = channel.eventLoop.makePromise(of: Void.self)
        for index in messages.indices {
            let message = messages[index]
            webSocket.send(
                raw: message.bytes, opcode: message.kind == .text ? .text : .binary,
                promise: index == last ? written : nil)
        }
        return written.futureResult
    }

    func close(code: UInt16, reason: String) async {
        // The close frame queues behind whatever the client has not read; a client that never reads
        // again must not keep the socket, so it is closed after a grace period whatever happens.
        let channel = self.channel
        channel.eventLoop.scheduleTask(in: Self.closeGrace) { channel.close(promise: nil) }
        try? await webSocket.close(code: WebSocketErrorCode(codeNumber: Int(code))).get()
    }
}
