public import Foundation

extension Notifier {
    /// Publishes `value`, encoded as JSON, inside the envelope `{"entityId":"E","message":value}`.
    ///
    /// - Throws: ``PublishError/encodingFailed(_:underlying:)`` when `value` cannot be encoded
    ///   (nothing was sent), or what ``publish(entityId:json:)`` throws.
    public func publish(
        entityId: EntityID,
        value: some Encodable,
        encoder: JSONEncoder = JSONEncoder()
    ) async throws(PublishError) -> DeliveryReport {
        let json: Data
        do {
            json = try encoder.encode(value)
        } catch {
            throw .encodingFailed(entityId, underlying: error)
        }
        return try await publish(entityId: entityId, json: json)
    }
}
