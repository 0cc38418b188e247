/// One message to publish, as it arrives from an event queue.
///
/// ``Notifier/consume(_:maxConcurrentEvents:deadLetter:)`` reads these from an `AsyncSequence`.
public struct PublishEvent: Hashable, Sendable {
    /// The entity whose subscribers receive the message.
    public var entityId: EntityID
    /// The serialized message, handed to every subscriber as it is.
    public var message: OutboundMessage

    /// Creates an event that sends `message` as it is.
    public init(entityId: EntityID, message: OutboundMessage) {
        self.entityId = entityId
        self.message = message
    }

    /// Creates an event whose message is the envelope `{"entityId":"E","message":M}`, M being `json`.
    ///
    /// See ``OutboundMessage/entityEnvelope(entityId:json:)``.
    public init(entityId: EntityID, json: some Collection<UInt8>) {
        self.init(entityId: entityId, message: .entityEnvelope(entityId: entityId, json: json))
    }
}
