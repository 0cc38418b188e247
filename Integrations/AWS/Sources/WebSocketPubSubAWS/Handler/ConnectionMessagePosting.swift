public import WebSocketPubSub

/// Posts one message to one connection through API Gateway's `@connections` API.
///
/// ``APIGatewayManagementClient`` is the real one; tests pass a recording one.
public protocol ConnectionMessagePosting: Sendable {
    /// Posts `bytes` to `connection`; never throws: every failure is an outcome.
    func post(_ bytes: [UInt8], to connection: ConnectionID) async -> ManagementAPIOutcome
}

/// What one `@connections` request came to.
public enum ManagementAPIOutcome: Hashable, Sendable {
    /// 2xx: done.
    case ok
    /// 410: the connection no longer exists.
    case gone
    /// Anything else (429, 5xx, a timeout, no answer); the text says what.
    case failed(String)
}
