public import Foundation
public import WebSocketPubSub

/// A ``ConnectionStore`` that forwards to another and throws where the test says, per operation.
///
/// Use it to test what your code does when the database fails: the gateway's `internal_error`
/// replies, a sweeper's `onError`, your own retries.
///
/// ```swift
/// let store = FailureInjectingConnectionStore()   // over an InMemoryConnectionStore
/// store.inject(InjectedFault(times: 1), into: .insert)
/// // ... the next $connect fails with 500, the one after succeeds ...
/// #expect(store.calls(to: .insert) == 2)
/// ```
public final class FailureInjectingConnectionStore: ConnectionStore {
    /// The operations of ``ConnectionStore``, one fault each.
    public enum Operation: String, Hashable, Sendable, CaseIterable {
        case insert, connection, remove, touch, idleConnections, count
    }

    /// The store every call is forwarded to.
    public let base: any ConnectionStore
    private let plan = FaultPlan<Operation>()

    /// Wraps `base`, with no fault injected yet.
    public init(wrapping base: any ConnectionStore = InMemoryConnectionStore()) {
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

    public func insert(_ connection: Connection) async throws {
        try await plan.run(.insert) { try await base.insert(connection) }
    }

    public func connection(_ id: ConnectionID) async throws -> Connection? {
        try await plan.run(.connection) { try await base.connection(id) }
    }

    @discardableResult
    public func remove(_ id: ConnectionID) async throws -> Connection? {
        try await plan.run(.remove) { try await base.remove(id) }
    }

    public func touch(_ id: ConnectionID, at date: Date) async throws {
        try await plan.run(.touch) { try await base.touch(id, at: date) }
    }

    public func idleConnections(lastActiveBefore cutoff: Date, limit: Int) async throws -> [ConnectionID] {
        try await plan.run(.idleConnections) { try await base.idleConnections(lastActiveBefore: cutoff, limit: limit) }
    }

    public func count() async throws -> Int {
        try await plan.run(.count) { try await base.count() }
    }
}
