/// An incremental parser of HTTP/1.x response heads, for the client role of the opening handshake.
///
/// It has the same rules and limits as ``HTTPRequestHeadParser``; bytes after the head (the server's
/// first WebSocket frames may arrive in the same read) are left to the caller.
///
/// ```swift
/// var parser = HTTPResponseHeadParser()
/// if case .complete(let head, let consumed) = try parser.parse(chunk) {
///     let accepted = try handshake.validate(head)
///     decoder.feed(chunk.dropFirst(consumed))
/// }
/// ```
public struct HTTPResponseHeadParser: Sendable {
    private var reader: HTTPHeadReader<HTTPStatusLine>

    /// The largest head accepted, in bytes, counting its start line, headers and the final empty line.
    public var maximumHeadSize: Int { reader.maximumHeadSize }

    /// Creates a parser with a head size limit; it must be positive.
    public init(maximumHeadSize: Int = HTTPRequestHeadParser.defaultMaximumHeadSize) {
        reader = HTTPHeadReader(maximumHeadSize: maximumHeadSize)
    }

    /// Feeds bytes; returns the head once its empty line has arrived.
    /// - Throws: ``HTTPHeadError`` for a head that is malformed or over the size limit.
    public mutating func parse(
        _ bytes: some Collection<UInt8>
    ) throws(HTTPHeadError) -> HTTPHeadParseResult<HTTPResponseHead> {
        switch try reader.read(bytes) {
        case .needMoreData:
            return .needMoreData
        case .complete(let line, let headers, let consumed):
            return .complete(
                HTTPResponseHead(status: line.status, version: line.version, headers: headers), consumed: consumed)
        }
    }
}
