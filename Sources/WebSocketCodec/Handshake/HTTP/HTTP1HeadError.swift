/// Why bytes received as an HTTP/1.x head could not be parsed.
///
/// Each case maps to the status a server answers with (``status``) and a sentence for the response body
/// and logs (``reason``). After throwing one, a parser stays failed: the connection should be answered
/// and closed, because the position of the next message in the stream is unknown.
public enum HTTP1HeadError: Error, Hashable, Sendable {
    /// The head grew beyond the configured maximum before its empty line arrived (431).
    case headTooLarge(limit: Int)
    /// A line ended with a bare LF or a CR was not followed by LF (400).
    ///
    /// Bare LF is rejected rather than tolerated (RFC 9112 §2.2 allows either): strict CRLF keeps this
    /// parser from reading a head differently from a proxy in front of it.
    case invalidLineEnding
    /// The request line or status line is not well formed (400); the reason says which part.
    case malformedStartLine(reason: String)
    /// The start line names an HTTP version other than 1.0 and 1.1 (505).
    case unsupportedVersion(String)
    /// A header line is not `name: value` with a token name and a value free of control characters (400).
    case malformedHeaderLine(reason: String)
    /// A header line starts with whitespace: obsolete line folding, which RFC 9112 §5.2 says to reject
    /// (400).
    case obsoleteLineFolding

    /// The HTTP status a server should answer this error with.
    public var status: HTTP1Status {
        switch self {
        case .headTooLarge: .requestHeaderFieldsTooLarge
        case .unsupportedVersion: .httpVersionNotSupported
        case .invalidLineEnding, .malformedStartLine, .malformedHeaderLine, .obsoleteLineFolding: .badRequest
        }
    }

    /// A short sentence saying what was wrong.
    public var reason: String {
        switch self {
        case .headTooLarge(let limit):
            "The request head is larger than \(limit) bytes."
        case .invalidLineEnding:
            "Lines of the head must end with CRLF; a bare LF or CR was found."
        case .malformedStartLine(let reason):
            reason
        case .unsupportedVersion(let version):
            "HTTP version \(version) is not supported; use HTTP/1.1."
        case .malformedHeaderLine(let reason):
            reason
        case .obsoleteLineFolding:
            "A header line starts with whitespace (obsolete line folding is not accepted)."
        }
    }
}
