/// A ``SessionTransport`` that also takes a batch without a task: for hosts whose writes complete on
/// an event loop (SwiftNIO), where a task per write would cost two thread hand-offs per delivery.
///
/// A session whose transport adopts this protocol hands it each batch with
/// ``write(_:completion:)`` instead of starting a writer task: a delivery to an idle connection then
/// costs one hop to the connection's event loop (none when the publisher is already on it), and the
/// next batch is handed over from the completion, on that loop.
///
/// ## Contract
/// Besides ``SessionTransport``'s: call `completion` exactly once per call, with `true` once the host
/// has taken the bytes and `false` when the connection is gone. It may be called before
/// ``write(_:completion:)`` returns (the session then hands over the next batch from a loop, not by
/// recursion) or later, from any thread. Calls are never concurrent for one connection.
public protocol CallbackSessionTransport: SessionTransport {
    /// Writes `messages` to the connection, in order, and calls `completion` once.
    func write(_ messages: [OutboundMessage], completion: @escaping @Sendable (_ written: Bool) -> Void)
}
