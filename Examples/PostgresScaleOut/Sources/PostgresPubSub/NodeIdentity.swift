public import Foundation

/// Who owns a connection row: a node's stable id and the id of the process run that inserted it.
///
/// The node id survives restarts (`HOST:PORT` by default), so a restarted node finds and removes
/// the rows its previous run left behind; the incarnation is new in every run, so those stale rows
/// are told apart from the new run's own rows, and a second process started with the same node id
/// is noticed instead of silently sharing it.
public struct NodeIdentity: Hashable, Sendable, CustomStringConvertible {
    /// The node's stable name; at most 200 bytes, no NUL.
    public let nodeID: String
    /// Random for every process run.
    public let incarnation: UUID

    /// Creates an identity; `incarnation` is fresh unless given (tests pass one to simulate a restart).
    public init(nodeID: String, incarnation: UUID = UUID()) throws(PostgresPubSubError) {
        guard !nodeID.isEmpty, nodeID.utf8.count <= 200, !nodeID.utf8.contains(0) else {
            throw .unrepresentableText("node id \"\(nodeID)\" (it must be 1 to 200 bytes, without NUL)")
        }
        self.nodeID = nodeID
        self.incarnation = incarnation
    }

    public var description: String { "\(nodeID) (\(incarnation.uuidString.lowercased().prefix(8)))" }
}
