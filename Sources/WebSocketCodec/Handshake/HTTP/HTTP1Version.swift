/// An HTTP protocol version as written in a start line (`HTTP/1.1`).
///
/// Only HTTP/1.0 and HTTP/1.1 can be parsed: these heads are the text framing of HTTP/1.x, and a
/// WebSocket opening handshake further requires HTTP/1.1.
public struct HTTP1Version: Hashable, Sendable, CustomStringConvertible {
    /// The major version digit.
    public var major: Int
    /// The minor version digit.
    public var minor: Int

    /// Creates a version from its two digits.
    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// HTTP/1.0.
    public static let http10 = HTTP1Version(major: 1, minor: 0)
    /// HTTP/1.1, the only version on which RFC 6455 defines the opening handshake.
    public static let http11 = HTTP1Version(major: 1, minor: 1)

    /// The wire form, for example `HTTP/1.1`.
    public var description: String { "HTTP/\(major).\(minor)" }
}
