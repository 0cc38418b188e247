import NIOCore
import NIOWebSocket
import WebSocketKit
import WebSocketPubSub

/// A session's transport over a websocket-kit socket.
///
/// websocket-kit's `send` never waits; this transport waits for the channel to have written the
/// batch, so that a client that stops reading holds its own session's queue (which the session
/// bounds by its slow-consumer policy) instead of growing NIO's outbound buffer without limit.
struct VaporSessionTransport: SessionTransport {
    /// How long a close frame may wait behind a reader that stopped reading before the socket goes.
    static let closeGrace: TimeAmount = .seconds(2)

    let webSocket: WebSocket
    let channel: any Channel

    func write(_ messages: [OutboundMessage]) async throws {
        guard let last = messages.indices.last else { return }
        let written = channel.eventLoop.makePromise(of: Void.self)
        for index in messages.indices {
            let message = messages[index]
            webSocket.send(
                raw: message.bytes, opcode: message.kind == .text ? .text : .binary,
                promise: index == last ? written : nil)
        }
        // Writes complete in order: the last one done means the batch is.
        try await written.futureResult.get()
    }

    func close(code: UInt16, reason: String) async {
        // The close frame queues behind whatever the client has not read; a client that never reads
        // again must not keep the socket, so it is closed after a grace period whatever happens.
        let channel = self.channel
        channel.eventLoop.scheduleTask(in: Self.closeGrace) { channel.close(promise: nil) }
        try? await webSocket.close(code: WebSocketErrorCode(codeNumber: Int(code))).get()
    }
}
