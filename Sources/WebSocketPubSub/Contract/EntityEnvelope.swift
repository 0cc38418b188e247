/// What a subscriber receives for each publish, `{"entityId":"E","message":M}`, as a `Codable` value
/// whose message is any `Codable` type (use a JSON value type of your own for arbitrary JSON).
///
/// ```swift
/// struct Score: Codable { var home: Int; var away: Int }
/// let envelope = try JSONDecoder().decode(EntityEnvelope<Score>.self, from: Data(received))
/// ```
public struct EntityEnvelope<Message: Codable & Sendable>: Codable, Sendable {
    /// The entity the message was published to.
    public var entityId: String
    /// The published message.
    public var message: Message

    /// An envelope for `message` published to `entityId`.
    public init(entityId: String, message: Message) {
        self.entityId = entityId
        self.message = message
    }
}

extension EntityEnvelope: Equatable where Message: Equatable {}
extension EntityEnvelope: Hashable where Message: Hashable {}
