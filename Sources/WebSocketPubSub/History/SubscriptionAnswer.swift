/// What a subscribe did, as typed values: for hosts that build their own replies instead of the
/// contract's JSON (see ``PubSubGateway/subscribe(_:to:since:)``).
public struct SubscriptionAnswer: Hashable, Sendable {
    /// The entity subscribed to.
    public var entityId: EntityID
    /// The entity's latest position when the subscription took effect; `nil` without history.
    /// Every message above it reaches the connection live.
    public var position: HistoryPosition?
    /// With a position to recover from: whether every message after it could be replayed.
    public var recovered: Bool?
    /// The messages after the position recovered from, in order, when ``recovered`` is `true`.
    public var replay: [HistoryEntry]

    /// An answer.
    public init(
        entityId: EntityID, position: HistoryPosition? = nil, recovered: Bool? = nil, replay: [HistoryEntry] = []
    ) {
        self.entityId = entityId
        self.position = position
        self.recovered = recovered
        self.replay = replay
    }
}
