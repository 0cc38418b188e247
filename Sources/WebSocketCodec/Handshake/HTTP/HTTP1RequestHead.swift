/// The start line and header fields of an HTTP/1.x request.
public struct HTTP1RequestHead: Hashable, Sendable {
    /// The method, case-sensitive as HTTP defines it (`GET`, `POST`).
    public var method: String
    /// The request target as sent, usually origin-form (`/chat?room=1`).
    public var target: String
    /// The HTTP version of the request line.
    public var version: HTTP1Version
    /// The header fields in order.
    public var headers: HTTP1Headers

    /// Creates a request head.
    public init(method: String, target: String, version: HTTP1Version = .http11, headers: HTTP1Headers = [:]) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
    }

    /// The head in wire form, ending with the empty line.
    ///
    /// Fields whose name is not a token are left out, and CR, LF and NUL in values become spaces, so that
    /// a value taken from elsewhere cannot inject header lines.
    public func encoded() -> [UInt8] {
        var bytes = Array("\(method) \(target) \(version)\r\n".utf8)
        HTTPWire.append(headers, to: &bytes)
        return bytes
    }
}
