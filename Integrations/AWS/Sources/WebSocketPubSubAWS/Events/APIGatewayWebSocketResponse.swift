/// What a Lambda proxy integration answers a WebSocket event with.
///
/// On `$connect`, ``statusCode`` accepts (2xx) or refuses the handshake, and the selected subprotocol
/// goes back in ``headers``. On a message route with a route response, ``body`` is sent to the client
/// as one message. On `$disconnect` it is ignored.
public struct APIGatewayWebSocketResponse: Codable, Hashable, Sendable {
    /// The HTTP status: 200 accepts a handshake; 4xx or 5xx refuses it.
    public var statusCode: Int
    /// Response header fields (`Sec-WebSocket-Protocol` on `$connect`).
    public var headers: [String: String]?
    /// The route response sent to the client, or the refusal's reason.
    public var body: String?
    /// Whether ``body`` is base64.
    public var isBase64Encoded: Bool?

    /// A response from its parts.
    public init(statusCode: Int, headers: [String: String]? = nil, body: String? = nil, isBase64Encoded: Bool? = nil) {
        self.statusCode = statusCode
        self.headers = headers
        self.body = body
        self.isBase64Encoded = isBase64Encoded
    }
}
