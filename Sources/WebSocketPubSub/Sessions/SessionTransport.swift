/// The host's side of one connection: how bytes reach the peer, and how the connection ends.
///
/// A host (a SwiftNIO channel handler, a Hummingbird or Vapor WebSocket) implements these two
/// methods per connection; ``PubSubSession`` does everything else: ordering, queueing, limits,
/// the slow-consumer policy, `$disconnect`.
///
/// ## Contract
/// - ``write(_:)`` is called from one task at a time per connection, with messages in the order the
///   session queued them. Return once the host has taken the bytes: written to the socket, or queued
///   in the host's own buffer. A write that waits for the peer (backpressure) is fine: while it waits,
///   the session queues later messages up to its limits and then applies its
///   ``SlowConsumerPolicy``; no publish and no other connection ever waits for it.
/// - Throw from ``write(_:)`` when the connection is gone; the session then drops what it queued.
/// - ``close(code:reason:)`` starts the closing handshake (a close frame with `code` and `reason`,
///   then the socket). It may be called while a write is pending, and more than once; only the first
///   call needs to take effect. When the socket has closed, whoever noticed tells the session with
///   ``PubSubSession/transportClosed()``.
public protocol SessionTransport: Sendable {
    /// Writes `messages` to the connection, in order.
    func write(_ messages: [OutboundMessage]) async throws

    /// Starts closing the connection with a WebSocket close code and reason.
    func close(code: UInt16, reason: String) async

    /// Whether this connection takes ``OutboundMessage/compressedPayload`` (it negotiated
    /// permessage-deflate without server context takeover, with a window the hub's
    /// ``BroadcastCompressor`` fits): the hub then compresses each published message once for all
    /// such connections. `false` by default.
    var acceptsCompressedPayloads: Bool { get }
}

extension SessionTransport {
    /// `false`: messages are written as they are.
    public var acceptsCompressedPayloads: Bool { false }
}
