/// An incremental parser of HTTP/1.x response heads, for the client role of the opening handshake.
///
/// It has the same rules and limits as ``HTTP1RequestHeadParser``; bytes after the head (the server's
/// first WebSocket frames may arrive in the same read) are left to the caller.
///
/// ```swift
/// var parser = HTTP1ResponseHeadParser()
/// if case .complete(let head, let consumed) = try parser.parse(chunk) {
///     let accepted = try handshake.validate(head)
///     decoder.feed(chunk.dropFirst(consumed))
/// }
/// ```
public struct HTTP1ResponseHeadParser: Sendable {
    private var reader: HTTPHeadReader<HTTPStatusLine>

    /// The largest head accepted, in bytes, counting its start line, headers and the final empty line.
    public var maximumHeadSize: Int { reader.maximumHeadSize }

    /// Creates a parser with a head size limit; it must be positive.
    public init(maximumHeadSize: Int = HTTP1RequestHeadParser.defaultMaximumHeadSize) {
        reader = HTTPHeadReader(maximumHeadSize: maximumHeadSize)
    }

    /// Feeds bytes; returns the head once its empty line has arrived.
    /// - Throws: ``HTTP1HeadError`` for a head that is malformed or over the size limit.
    public mutating func parse(
        _ bytes: some Collection<UInt8>
    ) throws(HTTP1HeadError) -> HTTP1HeadParseResult<HTTP1ResponseHead> {
        switch try reader.read(bytes) {
        case .needMoreData:
            return .needMoreData
        case .complete(let line, let headers, let consumed):
            return .complete(
                HTTP1ResponseHead(status: line.status, version: line.version, headers: headers), consumed: consumed)
        }
    }
}
