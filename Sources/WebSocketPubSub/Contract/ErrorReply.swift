/// An application error answered on the WebSocket, `{"error":"…","code":"…"}`, as a `Codable` value.
///
/// The connection stays open after it; `code` is one of ``RouteErrorCode``'s raw values.
public struct ErrorReply: Codable, Hashable, Sendable {
    /// What was wrong, in words.
    public var error: String
    /// A stable, machine-readable code.
    public var code: String?

    /// A reply with the given text and code.
    public init(error: String, code: String? = nil) {
        self.error = error
        self.code = code
    }
}
