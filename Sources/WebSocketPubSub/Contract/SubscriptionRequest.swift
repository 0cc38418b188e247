/// A client's `subscribe` or `unsubscribe` message, `{"action":"subscribe","entityId":"E"}`, as a
/// `Codable` value: for hosts and tests that speak the contract without building JSON by hand.
///
/// ```swift
/// let bytes = try JSONEncoder().encode(SubscriptionRequest.subscribe("game-42"))
/// ```
public struct SubscriptionRequest: Codable, Hashable, Sendable {
    /// `"subscribe"` or `"unsubscribe"`.
    public var action: String
    /// The entity.
    public var entityId: String

    /// A request with the given action and entity.
    public init(action: String, entityId: String) {
        self.action = action
        self.entityId = entityId
    }

    /// `{"action":"subscribe","entityId":entityId}`.
    public static func subscribe(_ entityId: String) -> SubscriptionRequest {
        SubscriptionRequest(action: "subscribe", entityId: entityId)
    }

    /// `{"action":"unsubscribe","entityId":entityId}`.
    public static func unsubscribe(_ entityId: String) -> SubscriptionRequest {
        SubscriptionRequest(action: "unsubscribe", entityId: entityId)
    }
}
