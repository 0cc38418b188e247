/// An HTTP answer worked out by ``PubSubEndpoints``, for the host to send in its framework's terms.
public struct EndpointResponse: Hashable, Sendable {
    /// The HTTP status code.
    public var status: Int
    /// The body: a JSON object.
    public var body: [UInt8]
    /// The body's media type.
    public var contentType: String { "application/json" }

    /// An answer with `status` and a JSON `body`.
    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }

    /// `{"error":"…"}` with `status`.
    public static func error(_ status: Int, _ message: String) -> EndpointResponse {
        var body = Array(#"{"error":"#.utf8)
        JSONEscaping.appendQuoted(message, to: &body)
        body.append(UInt8(ascii: "}"))
        return EndpointResponse(status: status, body: body)
    }

    /// The body as text.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
