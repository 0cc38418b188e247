import NIOCore
import WebSocketCodec
import WebSocketPubSub

/// The session layer's transport over one NIO channel: frames each message (a server frame has no
/// mask) and writes it on the channel's event loop.
///
/// ``write(_:)`` returns when the socket has taken the batch: the write promise of its last frame.
/// While a peer does not read, that promise waits and the session queues later messages up to its
/// limits; the channel's own buffer never holds more than one batch.
struct NIOSessionTransport: SessionTransport {
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

    func close(code: UInt16, reason: String) async {
        let handler = self.handler
        loop.execute { handler.value.close(code: WSCloseCode(rawValue: code), reason: reason) }
    }
}
