extension OutboundMessage {
    /// `{"status":"subscribed","entityId":"E"}`: the answer to a successful subscribe.
    public static func subscribed(_ entity: EntityID) -> OutboundMessage {
        OutboundMessage(bytes: JSONEscaping.object(["status": "subscribed", "entityId": entity.rawValue]), kind: .text)
    }

    /// `{"status":"unsubscribed","entityId":"E"}`: the answer to an unsubscribe.
    public static func unsubscribed(_ entity: EntityID) -> OutboundMessage {
        OutboundMessage(
            bytes: JSONEscaping.object(["status": "unsubscribed", "entityId": entity.rawValue]), kind: .text)
    }
}
