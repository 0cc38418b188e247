/// Why a publish could not start: its recipients could not be looked up.
///
/// Failures of single recipients are not errors; they are counted in the ``DeliveryReport``.
public enum PublishError: Error, CustomStringConvertible {
    /// `SubscriptionStore.subscribers(of:)` threw; nothing was sent. The store's error is attached.
    case subscriberLookupFailed(EntityID, underlying: any Error)

    public var description: String {
        switch self {
        case .subscriberLookupFailed(let entity, let underlying):
            "could not look up the subscribers of entity '\(entity)': \(underlying); nothing was sent"
        }
    }
}
