/// A subscription authorizer's verdict: may this connection subscribe to this entity?
public enum SubscriptionDecision: Hashable, Sendable {
    /// Let the subscription proceed (the per-connection limit still applies).
    case allow
    /// Refuse it; the client gets a `not_authorized` error reply that includes `reason`.
    case deny(reason: String)
}
