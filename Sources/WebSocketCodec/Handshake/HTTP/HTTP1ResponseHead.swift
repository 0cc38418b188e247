/// The status line and header fields of an HTTP/1.x response.
public struct HTTP1ResponseHead: Hashable, Sendable {
    /// The HTTP version of the status line.
    public var version: HTTP1Version
    /// The status code and reason phrase.
    public var status: HTTP1Status
    /// The header fields in order.
    public var headers: HTTP1Headers

    /// Creates a response head.
    public init(status: HTTP1Status, version: HTTP1Version = .http11, headers: HTTP1Headers = [:]) {
        self.version = version
        self.status = status
        self.headers = headers
    }

    /// The head in wire form, ending with the empty line, followed by `body`.
    ///
    /// Fields whose name is not a token are left out, and CR, LF and NUL in values become spaces, so that
    /// a value taken from elsewhere cannot inject header lines. `Content-Length` is not added: the caller
    /// decides how the body is framed.
    public func encoded(body: some Collection<UInt8> = [UInt8]()) -> [UInt8] {
        var bytes = Array("\(version) \(status.code) \(status.reasonPhrase)\r\n".utf8)
        HTTPWire.append(headers, to: &bytes)
        bytes.append(contentsOf: body)
        return bytes
    }
}
