/// A `$connect` authorizer's verdict on a handshake.
public enum ConnectDecision: Hashable, Sendable {
    /// Accept the connection and attach `attributes` (the caller's identity) to its record.
    case accept(attributes: [String: String] = [:])
    /// Refuse the handshake; the host answers with this HTTP status (4xx or 5xx) and reason.
    case reject(status: Int, reason: String)

    /// Refuses with 401: the caller did not prove who it is.
    public static func unauthorized(_ reason: String) -> ConnectDecision {
        .reject(status: 401, reason: reason)
    }

    /// Refuses with 403: the caller is known but may not connect.
    public static func forbidden(_ reason: String) -> ConnectDecision {
        .reject(status: 403, reason: reason)
    }
}
