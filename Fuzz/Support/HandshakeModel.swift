// What the two handshake harnesses share: feeding a head parser in pieces, and the header rules of
// the RFC 6455 §4 model, written over the bytes so that they stay independent of the library's own
// list splitting. `Fuzz/run.sh` compiles this file with ServerHandshake and ClientHandshake.

/// The request and response head parsers, as the harnesses drive them.
protocol PieceFedHeadParser {
    associatedtype Head: Hashable & Sendable
    init(maximumHeadSize: Int)
    mutating func parse(_ bytes: some Collection<UInt8>) throws(HTTP1HeadError) -> HTTP1HeadParseResult<Head>
}

extension HTTP1RequestHeadParser: PieceFedHeadParser {}
extension HTTP1ResponseHeadParser: PieceFedHeadParser {}

/// Feeds `wire` to a fresh parser one piece at a time; the head (with `consumed` counted from the
/// start of `wire`) once complete, or the parser's error.
private func parseInPieces<Parser: PieceFedHeadParser>(
    _: Parser.Type, _ wire: [UInt8], limit: Int, pieces: [Range<Int>]
) -> Result<HTTP1HeadParseResult<Parser.Head>, HTTP1HeadError> {
    var parser = Parser(maximumHeadSize: limit)
    for piece in pieces {
        do throws(HTTP1HeadError) {
            let slice = wire[piece]
            switch try parser.parse(slice) {
            case .needMoreData:
                continue
            case .complete(let head, let consumed):
                require(consumed >= 0 && consumed <= slice.count, "consumed \(consumed) of a \(slice.count)-byte piece")
                return .success(.complete(head, consumed: piece.lowerBound + consumed))
            }
        } catch {
            return .failure(error)
        }
    }
    return .success(.needMoreData)
}

/// The parser properties both harnesses check, on `wire` fed whole and in seeded pieces: both
/// give the same result; a complete head ends with its CRLF CRLF; and it re-encodes to bytes that
/// parse back to the same head. Returns the head, or `nil` when `wire` holds no complete head.
func checkHeadParsing<Parser: PieceFedHeadParser>(
    _ parser: Parser.Type, _ wire: [UInt8], limit: Int, seed: UInt32, bytewise: Bool
) -> Parser.Head? where Parser.Head: ModelHead {
    let whole = parseInPieces(parser, wire, limit: limit, pieces: Splitting.whole(wire.count))
    let pieces = Splitting.pieces(count: wire.count, seed: seed, bytewise: bytewise)
    let split = parseInPieces(parser, wire, limit: limit, pieces: pieces)
    require(whole == split, "split parsing \(pieces) differs: \(whole) vs \(split)")
    guard case .complete(let head, let consumed)? = try? whole.get() else { return nil }

    require(consumed > 0 && consumed <= wire.count, "consumed \(consumed) of \(wire.count) bytes")
    require(wire[..<consumed].suffix(4).elementsEqual("\r\n\r\n".utf8), "a head that does not end with CRLF CRLF")
    let encoded = head.wireBytes
    let reparsed = parseInPieces(parser, encoded, limit: Int.max, pieces: Splitting.whole(encoded.count))
    require(
        reparsed == .success(.complete(head, consumed: encoded.count)),
        "the re-encoded head parses as \(reparsed), not \(head)")
    return head
}

/// A request or response head, for the model's header rules and the re-encoding property.
protocol ModelHead {
    var headers: HTTP1Headers { get }
    /// The head as written on the wire.
    var wireBytes: [UInt8] { get }
}

extension HTTP1RequestHead: ModelHead {
    var wireBytes: [UInt8] { encoded() }
}

extension HTTP1ResponseHead: ModelHead {
    var wireBytes: [UInt8] { encoded() }
}

func lowercasedASCII(_ text: String) -> String {
    String(decoding: text.utf8.map { (65...90).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
}

/// Every value of the header `name`, compared without ASCII case.
func values(_ head: some ModelHead, _ name: String) -> [String] {
    head.headers.fields.filter { lowercasedASCII($0.name) == lowercasedASCII(name) }.map(\.value)
}

/// The elements of a comma-separated list header, split on the comma byte, spaces and tabs
/// trimmed, empty elements dropped (RFC 9110 §5.6.1).
func listElements(_ head: some ModelHead, _ name: String) -> [String] {
    values(head, name).flatMap { value in
        value.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map { element in
            let trimmed = element.drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 }
            return String(decoding: trimmed.reversed(), as: UTF8.self)
        }.filter { !$0.isEmpty }
    }
}

/// Whether the list header `name` holds `token` (lower case), compared without ASCII case.
func hasToken(_ head: some ModelHead, _ name: String, _ token: String) -> Bool {
    listElements(head, name).contains { lowercasedASCII($0) == token }
}
