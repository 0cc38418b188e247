import HummingbirdWebSocket
import NIOCore
import NIOWebSocket
import WebSocketPubSub

/// A session's transport over Hummingbird's WebSocket writer.
///
/// A write returns once the channel took the frame: Hummingbird's writer waits while the socket is
/// not writable, so a client that stops reading holds its own session's queue, which the session
/// bounds by its slow-consumer policy.
struct HummingbirdSessionTransport: SessionTransport {
    /// How long a close frame may wait behind a reader that stopped reading before the socket goes.
    static let closeGrace: TimeAmount = .seconds(2)

    let outbound: WebSocketOutboundWriter
    let channel: any Channel

    func write(_ messages: [OutboundMessage]) async throws {
        for message in messages {
            let opcode: WebSocketOpcode = message.kind == .text ? .text : .binary
            // A custom frame, because `.text` would take a String and copy the bytes into one first.
            try await outbound.write(
                .custom(WebSocketFrame(fin: true, opcode: opcode, data: ByteBuffer(bytes: message.bytes))))
        }
    }

    func close(code: UInt16, reason: String) async {
        // The close frame queues behind whatever the client has not read; a client that never reads
        // again must not keep the socket, so it is closed after a grace period whatever happens.
        let channel = self.channel
        channel.eventLoop.scheduleTask(in: Self.closeGrace) { channel.close(promise: nil) }
        try? await outbound.close(WebSocketErrorCode(codeNumber: Int(code)), reason: reason)
    }
}
