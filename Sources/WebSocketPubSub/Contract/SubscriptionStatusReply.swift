/// The answer to a subscribe or unsubscribe, `{"status":"subscribed","entityId":"E"}`, as a `Codable` value.
public struct SubscriptionStatusReply: Codable, Hashable, Sendable {
    /// `"subscribed"` or `"unsubscribed"`.
    public var status: String
    /// The entity.
    public var entityId: String

    /// A reply with the given status and entity.
    public init(status: String, entityId: String) {
        self.status = status
        self.entityId = entityId
    }
}
