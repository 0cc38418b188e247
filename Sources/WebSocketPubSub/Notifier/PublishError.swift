/// Why a publish could not start: its recipients could not be looked up, or its value not encoded.
///
/// Failures of single recipients are not errors; they are counted in the ``DeliveryReport``.
public enum PublishError: Error, CustomStringConvertible {
    /// `SubscriptionStore.subscribers(of:)` threw; nothing was sent. The store's error is attached.
    case subscriberLookupFailed(EntityID, underlying: any Error)
    /// The value given to ``Notifier/publish(entityId:value:encoder:)`` could not be encoded; nothing was sent.
    case encodingFailed(EntityID, underlying: any Error)
    /// ``HistoryStore/append(_:to:)`` threw; nothing was sent. The store's error is attached.
    case historyAppendFailed(EntityID, underlying: any Error)

    public var description: String {
        switch self {
        case .subscriberLookupFailed(let entity, let underlying):
            "could not look up the subscribers of entity '\(entity)': \(underlying); nothing was sent"
        case .encodingFailed(let entity, let underlying):
            "could not encode the message for entity '\(entity)' as JSON: \(underlying); nothing was sent"
        case .historyAppendFailed(let entity, let underlying):
            "could not append the message to the history of entity '\(entity)': \(underlying); nothing was sent"
        }
    }
}
