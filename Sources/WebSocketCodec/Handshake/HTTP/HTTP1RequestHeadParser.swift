/// An incremental parser of HTTP/1.x request heads, fed bytes in chunks of any size.
///
/// The size limit holds while bytes arrive (a peer cannot make it buffer more than
/// ``maximumHeadSize`` bytes), lines must end with CRLF, and obsolete line folding is rejected. The
/// parser reads only the head: it reports how many bytes of the last chunk it consumed so the caller can
/// pass the rest on (a WebSocket frame after an upgrade, or a request body).
///
/// ```swift
/// var parser = HTTP1RequestHeadParser()
/// switch try parser.parse(chunk) {
/// case .needMoreData: break  // read more from the socket
/// case .complete(let head, let consumed):
///     let rest = chunk.dropFirst(consumed)
///     // route on head.method and head.target
/// }
/// ```
///
/// After `.complete` the parser is ready for the next request on the connection. After an error it keeps
/// throwing it: answer with `error.status` and close the connection.
public struct HTTP1RequestHeadParser: Sendable {
    /// 16 KiB: the usual server default, far above real WebSocket handshakes (well under 1 KiB).
    public static let defaultMaximumHeadSize = 16 * 1024

    private var reader: HTTPHeadReader<HTTPRequestLine>

    /// The largest head accepted, in bytes, counting its start line, headers and the final empty line.
    public var maximumHeadSize: Int { reader.maximumHeadSize }

    /// Creates a parser with a head size limit; it must be positive.
    public init(maximumHeadSize: Int = defaultMaximumHeadSize) {
        reader = HTTPHeadReader(maximumHeadSize: maximumHeadSize)
    }

    /// Feeds bytes; returns the head once its empty line has arrived.
    /// - Throws: ``HTTP1HeadError`` for a head that is malformed or over the size limit.
    public mutating func parse(
        _ bytes: some Collection<UInt8>
    ) throws(HTTP1HeadError) -> HTTP1HeadParseResult<HTTP1RequestHead> {
        switch try reader.read(bytes) {
        case .needMoreData:
            return .needMoreData
        case .complete(let line, let headers, let consumed):
            let head = HTTP1RequestHead(
                method: line.method, target: line.target, version: line.version, headers: headers)
            return .complete(head, consumed: consumed)
        }
    }
}
