/// The host's transport: how a serialized message reaches a batch of connections.
///
/// The pub/sub core never builds WebSocket frames. It serializes a message once and hands the
/// bytes, with every recipient, to one `send` call, so that a host speaking RFC 6455 can frame the
/// message once and write the same bytes to every connection; a gateway host may post it to each
/// connection's callback URL instead.
///
/// ## Contract
/// - `send` returns only the recipients that did *not* accept the message; every connection not
///   listed counts as delivered, meaning its transport accepted the bytes (written or queued).
///   An all-success batch therefore allocates nothing for the result.
/// - A recipient reported ``SendFailure/Reason/gone`` no longer exists (a closed channel, a
///   gateway's HTTP 410); the notifier removes it and its subscriptions and never retries it.
/// - A recipient reported ``SendFailure/Reason/failed(_:)`` may succeed later (a full outbound
///   buffer, a throttled gateway); the notifier retries it under its retry policy.
/// - Failures naming a connection that was not among the recipients are ignored, and only the first
///   failure reported for a connection counts.
/// - `send` is called from many tasks at once: publishes to different entities run concurrently.
///   ``Notifier`` never has two messages in flight to the same connection (later ones wait in that
///   connection's lane), so a transport that keeps each connection's writes in call order keeps
///   message order.
/// - `send` must return: a connection's later messages wait for it. A transport that can block (a slow
///   peer, a remote gateway) bounds each write with its own timeout and reports it as `failed`.
/// - A host that holds its connections in this process uses ``SessionHub``, an
///   ``ImmediateConnectionSender`` that never waits for a write.
public protocol ConnectionSender: Sendable {
    /// Sends `message` to every connection in `recipients`; returns those that did not accept it.
    func send(_ message: OutboundMessage, to recipients: [ConnectionID]) async -> [SendFailure]
}

/// A message as the pub/sub core hands it to the transport: serialized once, shared by all recipients.
public struct OutboundMessage: Hashable, Sendable {
    /// How the transport should present the payload.
    public enum Kind: Hashable, Sendable {
        /// UTF-8 text (a WebSocket text message).
        case text
        /// Opaque bytes (a WebSocket binary message).
        case binary
    }

    /// The payload.
    public var bytes: [UInt8]
    /// Text or binary.
    public var kind: Kind
    /// The payload compressed once for every receiver that negotiated permessage-deflate without
    /// context takeover (RFC 7692 §7.2.1), or `nil` to send it as it is. ``SessionHub`` sets it, once
    /// per publish, when it has a ``BroadcastCompressor`` and a recipient's transport
    /// ``SessionTransport/acceptsCompressedPayloads``; the core itself never compresses.
    public var compressedPayload: [UInt8]?
    /// The entity and position of a published message whose entity keeps history, or `nil`. A
    /// session uses it to hand each subscriber every offset once and in order around a recovery;
    /// a transport may ignore it.
    public var historyMark: HistoryMark?

    /// Wraps a serialized payload.
    public init(bytes: [UInt8], kind: Kind = .text) {
        self.bytes = bytes
        self.kind = kind
    }

    /// Wraps UTF-8 text.
    public init(text: String) {
        self.init(bytes: Array(text.utf8), kind: .text)
    }
}

/// One recipient that did not accept a message, and why.
public struct SendFailure: Hashable, Sendable {
    /// Why the transport did not accept the message.
    public enum Reason: Hashable, Sendable {
        /// The connection no longer exists; never retry it.
        case gone
        /// A failure that may pass (a full buffer, throttling); the text says what happened.
        case failed(String)
        /// Another process holds the connection (a node of a cluster over shared stores): not gone,
        /// not failed, only not this transport's to deliver. The notifier neither removes nor retries it.
        case heldElsewhere
    }

    /// The recipient.
    public var connection: ConnectionID
    /// Why it failed.
    public var reason: Reason

    /// Creates a failure record.
    public init(connection: ConnectionID, reason: Reason) {
        self.connection = connection
        self.reason = reason
    }
}
