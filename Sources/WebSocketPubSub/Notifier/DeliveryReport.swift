/// What one publish did: how many recipients accepted the message, which were gone, which failed.
///
/// `delivered` means the connection's transport accepted the bytes (written or queued for writing),
/// not that the client read them. Recipients are counted once each: every recipient is exactly one of
/// delivered, gone, failed or held elsewhere, so
/// `delivered + gone + failed + heldElsewhere == recipients`.
///
/// The ids of delivered recipients are not kept: a publish to many connections that all accept
/// allocates nothing for its report. A report that sums the reports of several processes (a cluster's
/// publish) holds counts only; its id lists name what this process saw.
public struct DeliveryReport: Hashable, Sendable {
    /// The entity the message was published to.
    public var entityId: EntityID
    /// How many connections were subscribed when the publish looked them up.
    public var recipients: Int
    /// How many recipients' transports accepted the message.
    public var delivered: Int
    /// How many recipients no longer existed; they and their subscriptions have been removed.
    public var gone: Int
    /// How many recipients were given up after retries, at the deadline, or because a limit was reached.
    public var failed: Int
    /// How many recipients another process holds (``SendFailure/Reason/heldElsewhere``): not this
    /// process's to deliver.
    public var heldElsewhere: Int
    /// The processes expected to take part, for a publish that spans several (a cluster); `nil` otherwise.
    public var nodes: Int?
    /// The processes that answered in time, for a publish that spans several; `nil` otherwise.
    public var nodesAnswered: Int?
    /// The message's position in its entity's history, when the notifier keeps history.
    public var position: HistoryPosition?
    /// The gone recipients this process found; they and their subscriptions have been removed from the stores.
    public var goneConnections: [ConnectionID]
    /// The failed recipients this process gave up.
    public var failedConnections: [ConnectionID]
    /// Gone recipients whose removal from a store threw. They stay counted as gone; the next publish
    /// that reaches them, or the idle sweep, removes them again.
    public var cleanupFailedConnections: [ConnectionID]

    /// Creates a report; `gone` and `failed` default to the number of ids listed.
    public init(
        entityId: EntityID,
        recipients: Int,
        delivered: Int,
        gone: Int? = nil,
        failed: Int? = nil,
        heldElsewhere: Int = 0,
        goneConnections: [ConnectionID] = [],
        failedConnections: [ConnectionID] = [],
        cleanupFailedConnections: [ConnectionID] = []
    ) {
        self.entityId = entityId
        self.recipients = recipients
        self.delivered = delivered
        self.gone = gone ?? goneConnections.count
        self.failed = failed ?? failedConnections.count
        self.heldElsewhere = heldElsewhere
        self.goneConnections = goneConnections
        self.failedConnections = failedConnections
        self.cleanupFailedConnections = cleanupFailedConnections
    }

    /// Whether every recipient this report covers either took the message or was gone.
    public var isComplete: Bool { failed == 0 }
}
