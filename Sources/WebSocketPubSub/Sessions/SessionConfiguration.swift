/// The limits and timings of every session of a ``SessionHub``.
public struct SessionConfiguration: Hashable, Sendable {
    /// Messages queued for one connection and not yet taken by its transport; past it, the
    /// ``slowConsumerPolicy`` applies. Default 1,024.
    public var maxQueuedMessages: Int
    /// Bytes of the messages queued for one connection; past it, the ``slowConsumerPolicy``
    /// applies. Default 4 MiB. A message larger than this on its own always meets the policy.
    public var maxQueuedBytes: Int
    /// What happens to a message that does not fit. Default ``SlowConsumerPolicy/close``.
    public var slowConsumerPolicy: SlowConsumerPolicy
    /// Inbound messages received and not yet handled; a peer that sends more than that while its
    /// earlier messages wait is closed with 1008. Default 64. Hosts that can stop reading (SwiftNIO)
    /// pause before this, with ``PubSubSession/queuedInboundCount``.
    public var maxQueuedInboundMessages: Int
    /// How often at most a session writes `lastActiveAt` to the connection store; the idle sweep's
    /// time to live must be longer. Default 30 seconds.
    public var activityInterval: Duration

    /// Creates a configuration; every limit is at least 1.
    public init(
        maxQueuedMessages: Int = 1024,
        maxQueuedBytes: Int = 4 << 20,
        slowConsumerPolicy: SlowConsumerPolicy = .close,
        maxQueuedInboundMessages: Int = 64,
        activityInterval: Duration = .seconds(30)
    ) {
        self.maxQueuedMessages = max(1, maxQueuedMessages)
        self.maxQueuedBytes = max(1, maxQueuedBytes)
        self.slowConsumerPolicy = slowConsumerPolicy
        self.maxQueuedInboundMessages = max(1, maxQueuedInboundMessages)
        self.activityInterval = activityInterval
    }
}
