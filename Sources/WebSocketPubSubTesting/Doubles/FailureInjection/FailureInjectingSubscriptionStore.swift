public import WebSocketPubSub

/// A ``SubscriptionStore`` that forwards to another and throws where the test says, per operation.
///
/// ```swift
/// let store = FailureInjectingSubscriptionStore()   // over an InMemorySubscriptionStore
/// store.inject(InjectedFault(), into: .subscribers)   // every fan-out lookup fails until healed
/// // ... publish: the report says the subscriber lookup failed ...
/// store.heal()
/// ```
///
/// The wrapper does not adopt `SubscriberSnapshotProviding`, so the notifier always calls
/// ``subscribers(of:)`` through it and sees its faults.
public final class FailureInjectingSubscriptionStore: SubscriptionStore {
    /// The operations of ``SubscriptionStore``, one fault each.
    public enum Operation: String, Hashable, Sendable, CaseIterable {
        case subscribe, unsubscribe, removeAll, subscribers, subscriptions, count
    }

    /// The store every call is forwarded to.
    public let base: any SubscriptionStore
    private let plan = FaultPlan<Operation>()

    /// Wraps `base`, with no fault injected yet.
    public init(wrapping base: any SubscriptionStore = InMemorySubscriptionStore()) {
        self.base = base
    }

    /// Makes `operation` fail as `fault` says, replacing any fault it had.
    public func inject(_ fault: InjectedFault, into operation: Operation) {
        plan.inject(fault, into: operation)
    }

    /// Removes the fault of `operation`, or of every operation when `nil`.
    public func heal(_ operation: Operation? = nil) {
        plan.heal(operation)
    }

    /// How many times `operation` was called, failed or not.
    public func calls(to operation: Operation) -> Int {
        plan.calls(to: operation)
    }

    /// How many times `operation` threw an injected fault.
    public func failures(of operation: Operation) -> Int {
        plan.thrown(by: operation)
    }

    public func subscribe(_ connection: ConnectionID, to entity: EntityID, limit: Int) async throws -> SubscribeOutcome
    {
        try await plan.run(.subscribe) { try await base.subscribe(connection, to: entity, limit: limit) }
    }

    @discardableResult
    public func unsubscribe(_ connection: ConnectionID, from entity: EntityID) async throws -> Bool {
        try await plan.run(.unsubscribe) { try await base.unsubscribe(connection, from: entity) }
    }

    @discardableResult
    public func removeAll(for connection: ConnectionID) async throws -> Int {
        try await plan.run(.removeAll) { try await base.removeAll(for: connection) }
    }

    public func subscribers(of entity: EntityID) async throws -> [ConnectionID] {
        try await plan.run(.subscribers) { try await base.subscribers(of: entity) }
    }

    public func subscriptions(of connection: ConnectionID) async throws -> [EntityID] {
        try await plan.run(.subscriptions) { try await base.subscriptions(of: connection) }
    }

    public func count() async throws -> Int {
        try await plan.run(.count) { try await base.count() }
    }
}
