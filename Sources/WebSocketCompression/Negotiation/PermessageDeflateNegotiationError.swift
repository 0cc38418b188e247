/// Why a permessage-deflate offer was declined (server) or a response refused (client), in the
/// terms of RFC 7692 §7.
///
/// A server declines a bad offer and tries the client's next one; a client that gets a bad
/// response must fail the connection (§7.1 and RFC 6455 §9.1).
public enum PermessageDeflateNegotiationError: Error, Hashable, Sendable {
    /// The element is not `permessage-deflate`.
    case notPermessageDeflate(String)
    /// A parameter RFC 7692 does not define.
    case unknownParameter(String)
    /// A parameter given twice in one element.
    case duplicateParameter(String)
    /// A parameter with a value it may not have (a value on a `*_no_context_takeover`, a window size
    /// outside 8-15, a missing value where one is required); `nil` for a missing value.
    case invalidValue(parameter: String, value: String?)
    /// The server's response has a parameter that no offer allows: `client_max_window_bits`
    /// without the client offering it, a window larger than the one offered.
    case parameterNotAllowed(String)
    /// The server's response lacks a parameter the client's offer made mandatory (a requested
    /// `server_no_context_takeover` or `server_max_window_bits`).
    case missingParameter(String)
    /// The response accepts permessage-deflate more than once.
    case duplicateExtension
    /// No offer could be accepted with the server's limits (server side).
    case noAcceptableOffer

    /// A sentence saying what was wrong.
    public var reason: String {
        switch self {
        case .notPermessageDeflate(let name): "'\(name)' is not permessage-deflate."
        case .unknownParameter(let name): "permessage-deflate has no parameter '\(name)'."
        case .duplicateParameter(let name): "permessage-deflate parameter '\(name)' is given twice."
        case .invalidValue(let name, let value?): "'\(value)' is not a valid value for \(name)."
        case .invalidValue(let name, nil): "\(name) needs a value."
        case .parameterNotAllowed(let name): "The response's \(name) is not allowed by the offer."
        case .missingParameter(let name): "The response lacks \(name), which the offer requires."
        case .duplicateExtension: "The response accepts permessage-deflate more than once."
        case .noAcceptableOffer: "No permessage-deflate offer fits the server's limits."
        }
    }
}
