/// What the built-in `subscribe` and `unsubscribe` routes tell the connection that sent the message,
/// when the entity keeps history, so that the connection receives every offset once and in order.
///
/// A ``PubSubSession`` adopts it: while a subscribe is between its store call and its history read,
/// published messages for that entity are held; the answer, the replay and then the held messages
/// above the answer's offset are queued together.
protocol SubscriptionFeed: AnyObject, Sendable {
    /// Holds published messages for `entity` until ``deliver(_:answer:replay:position:)`` or
    /// ``releaseHeld(_:)``.
    func holdPublished(_ entity: EntityID)
    /// Queues `answer`, then `replay` (as it is), then the held messages above `position`, and from
    /// then on skips published messages of `entity` at or below the latest offset queued.
    func deliver(_ entity: EntityID, answer: OutboundMessage, replay: [OutboundMessage], position: HistoryPosition)
    /// The subscribe failed: queues what was held, as it came.
    func releaseHeld(_ entity: EntityID)
    /// The connection unsubscribed from `entity`: forgets its position.
    func forget(_ entity: EntityID)
}
