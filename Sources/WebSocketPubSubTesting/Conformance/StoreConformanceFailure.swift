/// One broken rule found by a conformance check.
public struct StoreConformanceFailure: Hashable, Sendable, CustomStringConvertible {
    /// The check that found it, for example `SubscriptionStore.subscribeIsIdempotent`.
    public var check: String
    /// What the store did, and what the contract asks for instead.
    public var message: String

    /// Creates a failure record.
    public init(check: String, message: String) {
        self.check = check
        self.message = message
    }

    public var description: String { "\(check): \(message)" }
}
