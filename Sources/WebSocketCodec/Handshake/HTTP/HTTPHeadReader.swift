/// The incremental core shared by the request and response head parsers.
///
/// It works byte by byte so that every limit holds while bytes arrive: the size limit trips on the first
/// byte beyond it, and a bad start line or header line is rejected as soon as its CRLF arrives, without
/// waiting for the rest of the head. Memory is bounded by the size limit.
struct HTTPHeadReader<StartLine: HTTPStartLine>: Sendable {
    /// What one call to ``read(_:)`` produced.
    enum Step {
        case needMoreData
        case complete(StartLine, HTTP1Headers, consumed: Int)
    }

    let maximumHeadSize: Int

    private var failure: HTTP1HeadError?
    private var line: [UInt8] = []
    private var sawCR = false
    private var headSize = 0
    private var startLine: StartLine?
    private var headers = HTTP1Headers()

    init(maximumHeadSize: Int) {
        precondition(maximumHeadSize > 0, "The maximum head size must be positive.")
        self.maximumHeadSize = maximumHeadSize
    }

    /// Consumes bytes up to the end of the head. After `.complete` the reader is ready for the next head;
    /// after an error it keeps throwing that error.
    mutating func read(_ bytes: some Collection<UInt8>) throws(HTTP1HeadError) -> Step {
        if let failure { throw failure }
        var consumed = 0
        do throws(HTTP1HeadError) {
            for byte in bytes {
                consumed += 1
                headSize += 1
                guard headSize <= maximumHeadSize else { throw HTTP1HeadError.headTooLarge(limit: maximumHeadSize) }
                if try take(byte), let startLine {
                    let step = Step.complete(startLine, headers, consumed: consumed)
                    self = HTTPHeadReader(maximumHeadSize: maximumHeadSize)
                    return step
                }
            }
        } catch {
            failure = error
            throw error
        }
        return .needMoreData
    }

    /// Takes one byte; returns whether it ended the head.
    private mutating func take(_ byte: UInt8) throws(HTTP1HeadError) -> Bool {
        if sawCR {
            guard byte == HTTPSyntax.lf else { throw .invalidLineEnding }
            sawCR = false
            return try endLine()
        }
        switch byte {
        case HTTPSyntax.cr:
            sawCR = true
        case HTTPSyntax.lf:
            throw .invalidLineEnding
        default:
            if line.isEmpty, startLine != nil, HTTPSyntax.isWhitespace(byte) {
                throw .obsoleteLineFolding
            }
            line.append(byte)
        }
        return false
    }

    /// Handles a complete line; returns whether it was the empty line that ends the head.
    private mutating func endLine() throws(HTTP1HeadError) -> Bool {
        defer { line.removeAll(keepingCapacity: true) }
        guard startLine != nil else {
            if line.isEmpty {
                guard StartLine.skipsLeadingEmptyLines else {
                    throw .malformedStartLine(reason: "The head starts with an empty line.")
                }
                return false
            }
            startLine = try StartLine.parse(line[...])
            return false
        }
        if line.isEmpty { return true }
        headers.add(try Self.parseField(line))
        return false
    }

    /// Parses `field-name ":" OWS field-value OWS`.
    private static func parseField(_ line: [UInt8]) throws(HTTP1HeadError) -> HTTP1Headers.Field {
        guard let colon = line.firstIndex(of: HTTPSyntax.colon) else {
            throw .malformedHeaderLine(reason: "A header line has no colon.")
        }
        let name = line[..<colon]
        guard !name.isEmpty else {
            throw .malformedHeaderLine(reason: "A header line has an empty name.")
        }
        guard name.allSatisfy(HTTPSyntax.isTokenCharacter) else {
            let reason =
                HTTPSyntax.isWhitespace(name[name.index(before: name.endIndex)])
                ? "Whitespace between a header name and its colon is not allowed."
                : "A header name holds characters that are not allowed in a token."
            throw .malformedHeaderLine(reason: reason)
        }
        var value = line[line.index(after: colon)...]
        while let first = value.first, HTTPSyntax.isWhitespace(first) { value.removeFirst() }
        while let last = value.last, HTTPSyntax.isWhitespace(last) { value.removeLast() }
        let nameText = String(decoding: name, as: UTF8.self)
        guard value.allSatisfy(HTTPSyntax.isFieldValueCharacter) else {
            throw .malformedHeaderLine(reason: "The value of header \(nameText) holds control characters.")
        }
        return HTTP1Headers.Field(name: nameText, value: String(decoding: value, as: UTF8.self))
    }
}
