import NIOCore
import WebSocketCodec
import WebSocketPubSub

/// The session layer's transport over one NIO channel: frames each message (a server frame has no
/// mask) and writes it on the channel's event loop.
///
/// A write completes when the socket has taken the batch: the write promise of its last frame.
/// While a peer does not read, that promise waits and the session queues later messages up to its
/// limits; the channel's own buffer never holds more than one batch.
///
/// The session hands batches over with ``write(_:completion:)``: one `execute` on the channel's loop
/// (none when the caller is on it already), the completion called from the loop, where the session
/// hands over the next batch at once. A task and a continuation per delivery, which ``write(_:)``
/// costs, are thus saved on the publish path.
struct NIOSessionTransport: CallbackSessionTransport {
    struct ChannelClosed: Error {}

    let loop: any EventLoop
    let handler: NIOLoopBound<ConnectionHandler>
    /// The connection negotiated permessage-deflate without server context takeover, with a window
    /// the hub's shared compressor fits: it is sent the hub's compressed payloads.
    let acceptsCompressedPayloads: Bool

    func write(_ messages: [OutboundMessage]) async throws {
        let (handler, loop) = (self.handler, self.loop)
        try await loop.flatSubmit {
            handler.value.writeMessages(messages) ?? loop.makeFailedFuture(ChannelClosed())
        }.get()
    }

    func write(_ messages: [OutboundMessage], completion: @escaping @Sendable (Bool) -> Void) {
        let (handler, loop) = (self.handler, self.loop)
        if loop.inEventLoop {
            Self.write(messages, with: handler.value, completion: completion)
        } else {
            loop.execute { Self.write(messages, with: handler.value, completion: completion) }
        }
    }

    private static func write(
        _ messages: [OutboundMessage], with handler: ConnectionHandler, completion: @escaping @Sendable (Bool) -> Void
    ) {
        guard let written = handler.writeMessages(messages) else {
            completion(false)
            return
        }
        written.whenComplete { result in
            if case .success = result { completion(true) } else { completion(false) }
        }
    }

    func close(code: UInt16, reason: String) async {
        let handler = self.handler
        loop.execute { handler.value.close(code: WSCloseCode(rawValue: code), reason: reason) }
    }
}
