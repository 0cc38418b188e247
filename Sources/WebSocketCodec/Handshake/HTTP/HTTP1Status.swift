/// An HTTP response status: the code and the reason phrase sent with it.
///
/// An open set of wire values, so a struct with constants for the statuses this module and its hosts
/// send, and room for any other code a peer sends.
public struct HTTP1Status: Hashable, Sendable, CustomStringConvertible {
    /// The three-digit status code.
    public var code: Int
    /// The reason phrase; informative only, clients must not act on it.
    public var reasonPhrase: String

    /// Creates a status from a code and a reason phrase.
    public init(code: Int, reasonPhrase: String) {
        self.code = code
        self.reasonPhrase = reasonPhrase
    }

    /// 101: the server accepts the WebSocket upgrade.
    public static let switchingProtocols = HTTP1Status(code: 101, reasonPhrase: "Switching Protocols")
    /// 200.
    public static let ok = HTTP1Status(code: 200, reasonPhrase: "OK")
    /// 400: the request is malformed or is not a valid opening handshake.
    public static let badRequest = HTTP1Status(code: 400, reasonPhrase: "Bad Request")
    /// 403: the request is refused, for example because of its `Origin`.
    public static let forbidden = HTTP1Status(code: 403, reasonPhrase: "Forbidden")
    /// 404.
    public static let notFound = HTTP1Status(code: 404, reasonPhrase: "Not Found")
    /// 405: the method is not allowed here; sent with an `Allow` header.
    public static let methodNotAllowed = HTTP1Status(code: 405, reasonPhrase: "Method Not Allowed")
    /// 413: the request body is larger than the server accepts.
    public static let contentTooLarge = HTTP1Status(code: 413, reasonPhrase: "Content Too Large")
    /// 426: the client must upgrade (to WebSocket, or to a WebSocket version the server speaks).
    public static let upgradeRequired = HTTP1Status(code: 426, reasonPhrase: "Upgrade Required")
    /// 431: the request's header section is larger than the server accepts.
    public static let requestHeaderFieldsTooLarge = HTTP1Status(
        code: 431,
        reasonPhrase: "Request Header Fields Too Large"
    )
    /// 500.
    public static let internalServerError = HTTP1Status(code: 500, reasonPhrase: "Internal Server Error")
    /// 505: the request's HTTP version is not supported.
    public static let httpVersionNotSupported = HTTP1Status(code: 505, reasonPhrase: "HTTP Version Not Supported")

    /// The wire form of the status, for example `101 Switching Protocols`.
    public var description: String { "\(code) \(reasonPhrase)" }
}
