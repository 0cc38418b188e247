import WebSocketCodec
public import WebSocketPubSub

/// An HTTP endpoint a program adds to the server beside `POST /events` and `GET /stats` (an
/// emulator's management API, say): the server reads the request and its body, bounded, and writes
/// what ``respond`` answers, then closes the connection as it does after every plain-HTTP exchange.
///
/// A request that asks for a WebSocket upgrade never reaches an extra endpoint.
///
/// ```swift
/// let hello = ExtraEndpoint(
///     matches: { method, path in method == "GET" && path == "/hello" },
///     respond: { _ in EndpointResponse(status: 200, body: Array(#"{"hello":true}"#.utf8)) })
/// ```
public struct ExtraEndpoint: Sendable {
    /// Whether this endpoint serves `method` on `path` (the request target without its query).
    public var matches: @Sendable (_ method: String, _ path: String) -> Bool
    /// The largest body accepted; more gets `413`.
    public var maxBodyBytes: Int
    /// Answers one request.
    public var respond: @Sendable (ExtraEndpointRequest) async -> EndpointResponse

    /// An endpoint; bodies up to 1 MiB by default.
    public init(
        matches: @escaping @Sendable (_ method: String, _ path: String) -> Bool,
        maxBodyBytes: Int = 1024 * 1024,
        respond: @escaping @Sendable (ExtraEndpointRequest) async -> EndpointResponse
    ) {
        self.matches = matches
        self.maxBodyBytes = maxBodyBytes
        self.respond = respond
    }
}

/// One request to an ``ExtraEndpoint``.
public struct ExtraEndpointRequest: Sendable {
    /// The method, as sent.
    public var method: String
    /// The request target, query included.
    public var target: String
    /// The target without its query.
    public var path: String
    /// The header fields in order, names as sent.
    public var headers: [(name: String, value: String)]
    /// The body (empty without one).
    public var body: [UInt8]
    /// The client's address, as `127.0.0.1:50312`.
    public var remoteAddress: String

    /// The value of the first header field named `name`, compared without regard to ASCII case.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}
