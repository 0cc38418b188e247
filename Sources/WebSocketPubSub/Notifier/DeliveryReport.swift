/// What one publish did: how many recipients accepted the message, which were gone, which failed.
///
/// `delivered` means the connection's transport accepted the bytes (written or queued for writing),
/// not that the client read them. Recipients are counted once each: every recipient is exactly one of
/// delivered, gone or failed, so `delivered + gone + failed == recipients`.
///
/// The ids of delivered recipients are not kept: a publish to many connections that all accept
/// allocates nothing for its report.
public struct DeliveryReport: Hashable, Sendable {
    /// The entity the message was published to.
    public var entityId: EntityID
    /// How many connections were subscribed when the publish looked them up.
    public var recipients: Int
    /// How many recipients' transports accepted the message.
    public var delivered: Int
    /// Recipients that no longer existed; they and their subscriptions have been removed from the stores.
    public var goneConnections: [ConnectionID]
    /// Recipients that were given up after retries, at the deadline, or because a limit was reached.
    public var failedConnections: [ConnectionID]
    /// Gone recipients whose removal from a store threw. They stay counted as gone; the next publish
    /// that reaches them, or the idle sweep, removes them again.
    public var cleanupFailedConnections: [ConnectionID]

    /// Creates a report.
    public init(
        entityId: EntityID,
        recipients: Int,
        delivered: Int,
        goneConnections: [ConnectionID] = [],
        failedConnections: [ConnectionID] = [],
        cleanupFailedConnections: [ConnectionID] = []
    ) {
        self.entityId = entityId
        self.recipients = recipients
        self.delivered = delivered
        self.goneConnections = goneConnections
        self.failedConnections = failedConnections
        self.cleanupFailedConnections = cleanupFailedConnections
    }

    /// How many recipients were gone.
    public var gone: Int { goneConnections.count }

    /// How many recipients were given up.
    public var failed: Int { failedConnections.count }

    /// Whether no recipient was given up; gone recipients do not count against it, since they left.
    public var isComplete: Bool { failedConnections.isEmpty }
}
