/// The stable, machine-readable `"code"` of an error reply.
///
/// Clients branch on the code; the human message beside it may be reworded. The set is open, so
/// that handlers can add their own codes, and the library's codes are static constants.
public struct RouteErrorCode: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    /// The code as sent, in `snake_case`.
    public var rawValue: String

    /// Wraps a code.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Wraps a code written as a literal.
    public init(stringLiteral value: String) {
        self.rawValue = value
    }

    public var description: String { rawValue }

    /// The message is not valid JSON (syntax, encoding, or nesting too deep).
    public static let invalidJSON: RouteErrorCode = "invalid_json"
    /// The message is valid JSON but not an object.
    public static let notAnObject: RouteErrorCode = "not_an_object"
    /// The object has no action field.
    public static let missingAction: RouteErrorCode = "missing_action"
    /// The object has the action field more than once.
    public static let duplicateAction: RouteErrorCode = "duplicate_action"
    /// The action field is not a string.
    public static let invalidAction: RouteErrorCode = "invalid_action"
    /// No route has this action and no `$default` route is registered.
    public static let unknownAction: RouteErrorCode = "unknown_action"
    /// A typed route could not decode the message into its body type.
    public static let invalidBody: RouteErrorCode = "invalid_body"
    /// A route's handler threw an error that was not a ``RouteError``.
    public static let handlerFailed: RouteErrorCode = "handler_failed"
    /// A binary message arrived; the API speaks JSON text.
    public static let binaryMessage: RouteErrorCode = "binary_message"
    /// A message arrived for a connection the store does not know (closed, swept, or never accepted).
    public static let unknownConnection: RouteErrorCode = "unknown_connection"
    /// A subscription request has no `entityId`.
    public static let missingEntityID: RouteErrorCode = "missing_entity_id"
    /// The `entityId` is not a string, is empty, is too long, or appears twice.
    public static let invalidEntityID: RouteErrorCode = "invalid_entity_id"
    /// The connection already holds the maximum number of subscriptions.
    public static let subscriptionLimitReached: RouteErrorCode = "subscription_limit_reached"
    /// The subscription authorizer refused the request.
    public static let notAuthorized: RouteErrorCode = "not_authorized"
    /// A subscribe's `since` is not `{"offset": a non-negative integer, "epoch": a string}`.
    public static let invalidSince: RouteErrorCode = "invalid_since"
    /// A store or hook failed; the client may try again.
    public static let internalError: RouteErrorCode = "internal_error"
}
