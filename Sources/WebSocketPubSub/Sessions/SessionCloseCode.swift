/// The WebSocket close codes the session layer closes connections with (RFC 6455 §7.4.1).
///
/// The core never builds frames; it hands these numbers to ``SessionTransport/close(code:reason:)``.
public enum SessionCloseCode {
    /// 1001: the server is shutting down.
    public static let goingAway: UInt16 = 1001
    /// 1008: the peer broke a policy (it reads too slowly, or sends faster than it is served).
    public static let policyViolation: UInt16 = 1008
    /// 1011: the server could not serve the connection (a store failed while recording it).
    public static let internalError: UInt16 = 1011
}
