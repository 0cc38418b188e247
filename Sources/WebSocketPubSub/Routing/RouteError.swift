/// An application error answered to the client as `{"error":"<message>","code":"<code>"}`.
///
/// Nothing a client sends closes its connection at this layer: every malformed or refused message
/// becomes one of these replies. Handlers throw a `RouteError` to choose the reply themselves; any
/// other error thrown by a handler is answered with ``RouteErrorCode/handlerFailed`` and its text
/// kept out of the reply (it may hold internals) and in ``detail``, for the observer.
///
/// ```swift
/// router.on("kick") { context in
///     guard context.connection.attributes["role"] == "admin" else {
///         throw RouteError(code: "forbidden", message: "only admins may kick")
///     }
///     return nil
/// }
/// ```
public struct RouteError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The stable machine-readable code.
    public var code: RouteErrorCode
    /// A sentence saying what was wrong, for people.
    public var message: String
    /// What happened inside, for logs and the observer; never sent to the client.
    public var detail: String?

    /// Creates an error reply.
    public init(code: RouteErrorCode, message: String, detail: String? = nil) {
        self.code = code
        self.message = message
        self.detail = detail
    }

    /// The text message `{"error":"<message>","code":"<code>"}`, both strings JSON-escaped.
    public var reply: OutboundMessage {
        OutboundMessage(bytes: JSONEscaping.object(["error": message, "code": code.rawValue]), kind: .text)
    }

    /// `code: message`, followed by the detail when there is one.
    public var description: String {
        if let detail { return "\(code): \(message) (\(detail))" }
        return "\(code): \(message)"
    }
}

extension RouteError {
    /// The reply to a message that the scanner refused while looking for `actionKey`.
    public static func unreadable(_ error: JSONScanError, actionKey: String) -> RouteError {
        switch error.reason {
        case .notAnObject:
            RouteError(code: .notAnObject, message: error.description)
        case .duplicateKey:
            RouteError(code: .duplicateAction, message: "the \"\(actionKey)\" field appears more than once")
        default:
            RouteError(code: .invalidJSON, message: error.description)
        }
    }

    /// The reply to an object without an action field.
    public static func missingAction(key: String) -> RouteError {
        RouteError(code: .missingAction, message: "the message has no \"\(key)\" field")
    }

    /// The reply to an action field that is not a string.
    public static func actionNotAString(key: String, kind: JSONValueKind) -> RouteError {
        RouteError(code: .invalidAction, message: "the \"\(key)\" field must be a string, not \(kind)")
    }

    /// The reply of the built-in `$default` route.
    public static func unknownAction(_ action: String) -> RouteError {
        RouteError(code: .unknownAction, message: "unknown action \"\(action)\"")
    }

    /// The reply to a binary message.
    public static let binaryMessage = RouteError(
        code: .binaryMessage, message: "binary messages are not supported; send a JSON text message")

    /// The reply to a message from a connection the store does not hold.
    public static let unknownConnection = RouteError(
        code: .unknownConnection, message: "this connection is not open; reconnect")

    /// The reply when a store or hook failed; `detail` says how, for logs.
    public static func internalError(_ detail: String) -> RouteError {
        RouteError(code: .internalError, message: "internal error; try again later", detail: detail)
    }
}
