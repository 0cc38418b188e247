/// What a ``WSConnection`` made of received bytes: events for the application, bytes to
/// write back, and whether to close the transport.
public struct WSReceiveResult: Hashable, Sendable {
    /// The events, in the order their frames arrived.
    public var events: [WSEvent]
    /// Bytes to write to the peer, in order: pongs, the close reply, or the close frame that
    /// fails the connection. Empty when there is nothing to write.
    public var output: [UInt8]
    /// Whether the host should close the transport once `output` is written: the closing
    /// handshake completed, the connection failed, or the stream ended.
    public var shouldCloseTransport: Bool

    /// Creates a result.
    public init(events: [WSEvent] = [], output: [UInt8] = [], shouldCloseTransport: Bool = false) {
        self.events = events
        self.output = output
        self.shouldCloseTransport = shouldCloseTransport
    }
}
