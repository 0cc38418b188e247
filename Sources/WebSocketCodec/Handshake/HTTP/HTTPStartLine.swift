/// A start line that ``HTTPHeadReader`` can parse as soon as its CRLF arrives.
protocol HTTPStartLine: Sendable {
    /// Whether empty lines before the start line are skipped (RFC 9112 §2.2 asks servers to skip at least
    /// one, which a client may send after a request body).
    static var skipsLeadingEmptyLines: Bool { get }

    /// Parses the line without its CRLF.
    static func parse(_ line: ArraySlice<UInt8>) throws(HTTP1HeadError) -> Self
}

/// `method SP request-target SP HTTP-version`.
struct HTTPRequestLine: HTTPStartLine {
    static let skipsLeadingEmptyLines = true

    var method: String
    var target: String
    var version: HTTP1Version

    static func parse(_ line: ArraySlice<UInt8>) throws(HTTP1HeadError) -> HTTPRequestLine {
        let parts = line.split(separator: HTTPSyntax.space, omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw .malformedStartLine(reason: "The request line must be: method, space, target, space, version.")
        }
        guard parts[0].allSatisfy(HTTPSyntax.isTokenCharacter), !parts[0].isEmpty else {
            throw .malformedStartLine(reason: "The request method is empty or holds invalid characters.")
        }
        guard !parts[1].isEmpty, parts[1].allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw .malformedStartLine(reason: "The request target is empty or holds invalid characters.")
        }
        return HTTPRequestLine(
            method: String(decoding: parts[0], as: UTF8.self),
            target: String(decoding: parts[1], as: UTF8.self),
            version: try parseVersion(parts[2])
        )
    }
}

/// `HTTP-version SP status-code SP [reason-phrase]`.
struct HTTPStatusLine: HTTPStartLine {
    static let skipsLeadingEmptyLines = false

    var version: HTTP1Version
    var status: HTTP1Status

    static func parse(_ line: ArraySlice<UInt8>) throws(HTTP1HeadError) -> HTTPStatusLine {
        let parts = line.split(separator: HTTPSyntax.space, maxSplits: 2, omittingEmptySubsequences: false)
        let version = try parseVersion(parts[0])
        // Some servers omit the space before an empty reason phrase; accept that.
        guard parts.count >= 2, parts[1].count == 3,
            parts[1].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else {
            throw .malformedStartLine(reason: "The status line must be: version, space, three-digit status code.")
        }
        let reason = parts.count == 3 ? parts[2] : []
        guard reason.allSatisfy(HTTPSyntax.isFieldValueCharacter) else {
            throw .malformedStartLine(reason: "The reason phrase holds control characters.")
        }
        let code = parts[1].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        // RFC 9110 §15: the first digit is the class, 1 to 5; `011` or `000` is no status at all.
        guard (100...599).contains(code) else {
            throw .malformedStartLine(reason: "The status code \(code) is outside 100...599.")
        }
        return HTTPStatusLine(
            version: version,
            status: HTTP1Status(code: code, reasonPhrase: String(decoding: reason, as: UTF8.self))
        )
    }
}

/// Parses `HTTP/DIGIT.DIGIT`, accepting 1.0 and 1.1.
private func parseVersion(_ bytes: ArraySlice<UInt8>) throws(HTTP1HeadError) -> HTTP1Version {
    let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
    let text = Array(bytes)
    guard text.count == 8, text.starts(with: "HTTP/".utf8), digits.contains(text[5]),
        text[6] == UInt8(ascii: "."), digits.contains(text[7])
    else {
        throw .malformedStartLine(reason: "The HTTP version must look like HTTP/1.1.")
    }
    let version = HTTP1Version(major: Int(text[5] - digits.lowerBound), minor: Int(text[7] - digits.lowerBound))
    guard version == .http11 || version == .http10 else {
        throw .unsupportedVersion(version.description)
    }
    return version
}
