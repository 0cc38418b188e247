/// Why an opening handshake failed, on either side.
///
/// A server turns one into a response with ``WSServerHandshake/rejection(for:additionalHeaders:)``:
/// ``status`` is the status it answers with and ``reason`` the sentence in the body. A client gets one
/// from ``WSClientHandshake/validate(_:)`` and must then fail the connection (RFC 6455 §4.1).
public enum WSHandshakeError: Error, Hashable, Sendable {
    // MARK: Found by a server in a request

    /// The request head could not be parsed (its status: 400, 431 or 505).
    case invalidHead(HTTP1HeadError)
    /// The method is not `GET` (405, with `Allow: GET`).
    case methodNotAllowed(String)
    /// The request is not HTTP/1.1, which RFC 6455 §4.1 requires (400).
    case unsupportedHTTPVersion(HTTP1Version)
    /// The request has no `Host` header (400).
    case missingHost
    /// The request has more than one `Host` header (400, RFC 9112 §3.2).
    case duplicateHost
    /// The request has no `Upgrade` header: a plain request to a WebSocket endpoint (426, with
    /// `Upgrade: websocket`).
    case notAnUpgrade
    /// `Upgrade` does not hold the token `websocket` (400 for a request); `nil` when a response lacks it.
    case upgradeNotWebSocket(String?)
    /// `Connection` does not hold the token `upgrade` (400 for a request).
    case connectionMissingUpgrade
    /// `Sec-WebSocket-Version` is missing (`nil`) or not `13` (426, with `Sec-WebSocket-Version: 13`).
    case unsupportedWebSocketVersion(String?)
    /// The request has no `Sec-WebSocket-Key` (400).
    case missingKey
    /// The request has more than one `Sec-WebSocket-Key` (400).
    case duplicateKey
    /// `Sec-WebSocket-Key` is not the base64 encoding of exactly 16 bytes (400).
    case invalidKey(String)
    /// `Sec-WebSocket-Protocol` holds an element that is not a token (400).
    case invalidSubprotocol(String)
    /// `Sec-WebSocket-Extensions` does not follow the RFC 6455 §9.1 grammar (400 for a request).
    case invalidExtensionHeader(reason: String)
    /// The origin policy refused the `Origin` header's value, `nil` when it was absent (403).
    case originRejected(String?)

    // MARK: Found by a client in a response

    /// The server answered with a status other than 101.
    case unexpectedStatus(HTTP1Status)
    /// The response has no `Sec-WebSocket-Accept`.
    case missingAccept
    /// `Sec-WebSocket-Accept` is not the value derived from the key the client sent.
    case acceptMismatch(expected: String, received: String)
    /// The server selected a subprotocol the client did not offer (or several).
    case subprotocolNotOffered(String)
    /// The server's response names an extension the client did not offer.
    case extensionNotOffered(String)

    /// The HTTP status a server answers this error with; `nil` for errors only a client finds in a
    /// response, where nothing is answered.
    public var status: HTTP1Status? {
        switch self {
        case .invalidHead(let error): error.status
        case .methodNotAllowed: .methodNotAllowed
        case .notAnUpgrade, .unsupportedWebSocketVersion: .upgradeRequired
        case .originRejected: .forbidden
        case .unsupportedHTTPVersion, .missingHost, .duplicateHost, .upgradeNotWebSocket, .connectionMissingUpgrade,
            .missingKey, .duplicateKey, .invalidKey, .invalidSubprotocol, .invalidExtensionHeader:
            .badRequest
        case .unexpectedStatus, .missingAccept, .acceptMismatch, .subprotocolNotOffered, .extensionNotOffered:
            nil
        }
    }

    /// A short sentence saying what was wrong.
    public var reason: String {
        switch self {
        case .invalidHead(let error):
            error.reason
        case .methodNotAllowed(let method):
            "A WebSocket opening handshake must use GET, not \(method)."
        case .unsupportedHTTPVersion(let version):
            "A WebSocket opening handshake needs HTTP/1.1, not \(version)."
        case .missingHost:
            "The request has no Host header."
        case .duplicateHost:
            "The request has more than one Host header."
        case .notAnUpgrade:
            "This endpoint speaks WebSocket: send Upgrade: websocket and Connection: Upgrade."
        case .upgradeNotWebSocket(let value):
            if let value {
                "The Upgrade header must name websocket, not '\(value)'."
            } else {
                "The response has no Upgrade header naming websocket."
            }
        case .connectionMissingUpgrade:
            "The Connection header must hold the token Upgrade."
        case .unsupportedWebSocketVersion(let version):
            if let version {
                "WebSocket version '\(version)' is not supported; use Sec-WebSocket-Version: 13."
            } else {
                "The Sec-WebSocket-Version header is missing; send Sec-WebSocket-Version: 13."
            }
        case .missingKey:
            "The Sec-WebSocket-Key header is missing."
        case .duplicateKey:
            "The request has more than one Sec-WebSocket-Key header."
        case .invalidKey(let key):
            "Sec-WebSocket-Key '\(key)' is not the base64 encoding of 16 bytes."
        case .invalidSubprotocol(let name):
            "Subprotocol '\(name)' in Sec-WebSocket-Protocol is not a valid token."
        case .invalidExtensionHeader(let reason):
            "Sec-WebSocket-Extensions is malformed: \(reason)"
        case .originRejected(let origin):
            if let origin {
                "Origin '\(origin)' is not allowed."
            } else {
                "Requests without an Origin header are not allowed."
            }
        case .unexpectedStatus(let status):
            "The server answered \(status) instead of 101 Switching Protocols."
        case .missingAccept:
            "The response has no Sec-WebSocket-Accept header."
        case .acceptMismatch(let expected, let received):
            "Sec-WebSocket-Accept is '\(received)', but the key sent requires '\(expected)'."
        case .subprotocolNotOffered(let name):
            "The server selected subprotocol '\(name)', which the client did not offer."
        case .extensionNotOffered(let name):
            "The server accepted extension '\(name)', which the client did not offer."
        }
    }
}
