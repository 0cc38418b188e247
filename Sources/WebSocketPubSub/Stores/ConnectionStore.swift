public import Foundation

/// Where connection records live: in memory, or in a database shared by several server nodes.
///
/// Every method is `async throws` because real implementations talk to a database; the
/// in-memory ``InMemoryConnectionStore`` never throws. Implementations must be safe to call
/// from many tasks at once.
///
/// ## Contract
/// `WebSocketPubSubTesting`'s `StoreConformance` checks every rule below; run it against your store.
/// - ``insert(_:)`` stores a record; inserting a record whose id is already stored replaces it.
/// - ``connection(_:)`` returns the stored record, or `nil`.
/// - ``remove(_:)`` deletes the record and returns it, or returns `nil` if there was none.
///   Removing twice is not an error.
/// - ``touch(_:at:)`` sets `lastActiveAt` of a stored record (and does nothing for an unknown id).
/// - ``idleConnections(lastActiveBefore:limit:)`` lists at most `limit` ids whose `lastActiveAt`
///   is strictly earlier than the cutoff, in any order; a `limit` of zero or less lists none.
/// - Identifiers are compared byte for byte; an id a store cannot hold (U+0000 in a PostgreSQL
///   `text` column) makes it throw, never match another id.
/// - ``count()`` is the number of stored records.
public protocol ConnectionStore: Sendable {
    /// Stores `connection`, replacing any record with the same id.
    func insert(_ connection: Connection) async throws

    /// The record stored under `id`, if any.
    func connection(_ id: ConnectionID) async throws -> Connection?

    /// Deletes the record stored under `id` and returns it; `nil` if none was stored.
    @discardableResult
    func remove(_ id: ConnectionID) async throws -> Connection?

    /// Records activity on `id` at `date`.
    func touch(_ id: ConnectionID, at date: Date) async throws

    /// Up to `limit` connections whose last activity is strictly before `cutoff`.
    func idleConnections(lastActiveBefore cutoff: Date, limit: Int) async throws -> [ConnectionID]

    /// The number of stored connections.
    func count() async throws -> Int
}
