/// What a publish through the ``PostgresBroker`` did on every node that answered in time.
public struct ClusterDeliveryReport: Hashable, Sendable {
    /// Subscribed connections, summed over the nodes that answered.
    public var recipients: Int
    /// Connections whose transport accepted the message, summed over the nodes that answered.
    public var delivered: Int
    /// Connections found closed and removed, summed over the nodes that answered.
    public var gone: Int
    /// Connections that did not take the message, summed over the nodes that answered.
    public var failed: Int
    /// The nodes holding a live lease when the event was published: those expected to answer.
    public var nodes: [String]
    /// The nodes that answered before the report timeout (a node that joined meanwhile may be among them).
    public var nodesAnswered: [String]

    /// Expected nodes that did not answer in time: dead but not yet reaped, partitioned from the
    /// database, or slower than the timeout. Their deliveries, if any, are not counted.
    public var nodesMissing: [String] {
        let answered = Set(nodesAnswered)
        return nodes.filter { !answered.contains($0) }
    }

    /// A report with the given sums and nodes.
    public init(
        recipients: Int = 0, delivered: Int = 0, gone: Int = 0, failed: Int = 0, nodes: [String] = [],
        nodesAnswered: [String] = []
    ) {
        self.recipients = recipients
        self.delivered = delivered
        self.gone = gone
        self.failed = failed
        self.nodes = nodes
        self.nodesAnswered = nodesAnswered
    }
}
