/// What the PostgreSQL stores, the broker and the node membership report besides the driver's own errors.
public enum PostgresPubSubError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A schema name that is not a plain lower-case SQL identifier of at most 30 bytes.
    case invalidSchemaName(String)
    /// A URL that is not `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|require]`.
    case invalidURL(String, reason: String)
    /// PostgreSQL text cannot hold the NUL character; the identifier is refused before any query.
    case unrepresentableText(String)
    /// A stored attribute map that is not a JSON object of strings.
    case corruptAttributes(connection: String)
    /// This node's lease row was taken over by another process with the same node id, or removed
    /// after the lease expired: its connections may be gone from the stores, so the node must stop.
    case leaseLost(nodeID: String)
    /// The broker's listening connection is down, so this node would not hear the event it publishes.
    case notListening
    /// The database answered a statement with something it cannot answer (no row where one is due).
    case unexpectedResult(String)

    public var description: String {
        switch self {
        case .invalidSchemaName(let name):
            "schema name \"\(name)\" must match [a-z_][a-z0-9_]* and be at most 30 bytes"
        case .invalidURL(let url, let reason):
            "\"\(url)\" is not a PostgreSQL URL (\(reason)); expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE"
        case .unrepresentableText(let field):
            "\(field) contains the NUL character, which PostgreSQL text cannot store"
        case .corruptAttributes(let connection):
            "the stored attributes of connection \(connection) are not a JSON object of strings"
        case .leaseLost(let node):
            "node \(node) lost its lease (another process took the node id, or the lease expired and was reaped)"
        case .notListening:
            "this node is not listening to the cluster's event channel (the database may be restarting); try again"
        case .unexpectedResult(let what):
            "unexpected answer from the database: \(what)"
        }
    }
}
