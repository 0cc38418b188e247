public import Foundation

/// A ``ConnectionStore`` in process memory: a dictionary behind one mutex.
///
/// Use it when one server process holds every connection; pair it with
/// ``InMemorySubscriptionStore``. Every method is synchronous and never throws; the `async throws`
/// requirements of ``ConnectionStore`` are satisfied by them.
///
/// Idle connections are found by a scan rather than kept in order of last activity, because
/// ``touch(_:at:)`` runs on every message a client sends while the idle sweep runs once a minute
/// or so: keeping the order would make the frequent call pay for the rare one.
///
/// ```swift
/// let connections = InMemoryConnectionStore()
/// connections.insert(Connection(id: .random(), connectedAt: Date()))
/// ```
public final class InMemoryConnectionStore: ConnectionStore {
    private let records = StoreLock([ConnectionID: Connection]())

    /// Creates an empty store.
    public init() {}

    /// Stores `connection`, replacing any record with the same id.
    ///
    /// - Complexity: O(1) on average.
    public func insert(_ connection: Connection) {
        records.withLock { $0[connection.id] = connection }
    }

    /// The record stored under `id`, if any.
    ///
    /// - Complexity: O(1) on average.
    public func connection(_ id: ConnectionID) -> Connection? {
        records.withLock { $0[id] }
    }

    /// Deletes the record stored under `id` and returns it; `nil` if none was stored.
    ///
    /// - Complexity: O(1) on average.
    @discardableResult
    public func remove(_ id: ConnectionID) -> Connection? {
        records.withLock { $0.removeValue(forKey: id) }
    }

    /// Sets `lastActiveAt` of the record stored under `id` to `date`; does nothing for an unknown id.
    ///
    /// - Complexity: O(1) on average.
    public func touch(_ id: ConnectionID, at date: Date) {
        records.withLock { $0[id]?.lastActiveAt = date }
    }

    /// Up to `limit` connections whose last activity is strictly before `cutoff`, in no set order.
    ///
    /// - Complexity: O(*n*), *n* the number of stored connections; the scan stops once `limit` are found.
    public func idleConnections(lastActiveBefore cutoff: Date, limit: Int) -> [ConnectionID] {
        guard limit > 0 else { return [] }
        return records.withLock { records in
            var idle: [ConnectionID] = []
            for (id, record) in records where record.lastActiveAt < cutoff {
                idle.append(id)
                if idle.count == limit { break }
            }
            return idle
        }
    }

    /// The number of stored connections.
    ///
    /// - Complexity: O(1).
    public func count() -> Int {
        records.withLock { $0.count }
    }
}
