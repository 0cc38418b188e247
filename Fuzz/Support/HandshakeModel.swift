// What the two handshake harnesses share: feeding a head parser in pieces, and the header rules of
// the RFC 6455 §4 model, written over the bytes so that they stay independent of the library's own
// list splitting. `Fuzz/run.sh` compiles this file with ServerHandshake and ClientHandshake.

/// The request and response head parsers, as the harnesses drive them.
protocol PieceFedHeadParser {
    associatedtype Head: Hashable & Sendable
    init(maximumHeadSize: Int)
    mutating func parse(_ bytes: some Collection<UInt8>) throws(HTTPHeadError) -> HTTPHeadParseResult<Head>
}

extension HTTPRequestHeadParser: PieceFedHeadParser {}
extension HTTPResponseHeadParser: PieceFedHeadParser {}

/// Feeds `wire` to a fresh parser one piece at a time; the head (with `consumed` counted from the
/// start of `wire`) once complete, or the parser's error.
func parseInPieces<Parser: PieceFedHeadParser>(
    _: Parser.Type, _ wire: [UInt8], limit: Int, pieces: [Range<Int>]
) -> Result<HTTPHeadParseResult<Parser.Head>, HTTPHeadError> {
    var parser = Parser(maximumHeadSize: limit)
    for piece in pieces {
        do throws(HTTPHeadError) {
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

/// A request or response head, for the model's header rules.
protocol ModelHead {
    var headers: HTTPHeaders { get }
}

extension HTTPRequestHead: ModelHead {}
extension HTTPResponseHead: ModelHead {}

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
