/// A transport that takes a message into each recipient's own outbound queue at once, without
/// suspending, keeping each connection's messages in call order: ``SessionHub`` is one.
///
/// ``Notifier`` delivers through such a sender without send turns or retry lanes: the queues keep
/// each connection's order, and publishes to different entities never wait for one another.
///
/// ## Contract
/// - ``enqueue(_:to:)`` returns without waiting for any write, and queues for each connection in the
///   order of the calls.
/// - A ``SendFailure/Reason/failed(_:)`` it reports is final: the sender has already applied its own
///   policy (a full queue closed the connection, or dropped the message), so the notifier reports the
///   recipient failed and does not retry it; a retry would overtake the messages queued after it.
public protocol ImmediateConnectionSender: ConnectionSender {
    /// Queues `message` for every connection in `recipients`; returns those that did not take it.
    func enqueue(_ message: OutboundMessage, to recipients: [ConnectionID]) -> [SendFailure]
}

extension ImmediateConnectionSender {
    /// Queues the message; see ``enqueue(_:to:)``.
    public func send(_ message: OutboundMessage, to recipients: [ConnectionID]) async -> [SendFailure] {
        enqueue(message, to: recipients)
    }
}
