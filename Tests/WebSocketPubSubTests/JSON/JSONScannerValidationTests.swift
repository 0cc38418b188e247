import Testing
import WebSocketPubSub

@Suite("JSONScanner validation")
struct JSONScannerValidationTests {
    static let validDocuments: [(String, JSONValueKind)] = [
        ("{}", .object),
        ("[]", .array),
        (#""a""#, .string),
        ("0", .number),
        ("-0", .number),
        ("1.5e10", .number),
        ("-1E-2", .number),
        ("12e+3", .number),
        ("true", .boolean),
        ("false", .boolean),
        ("null", .null),
        (" \t\n\r{ \"a\" : [ 1 , 2 ] ,\n\"b\":{ } } \n", .object),
        (#"{"a":{"b":{"c":[[],{}]}}}"#, .object),
        (#""\u00e9\uD83D\uDE00\n\\\"\/\b\f\r\t""#, .string),
        ("\"é😀\u{7F}\"", .string),
        (#"{"":""}"#, .object),
        (#""\u0000""#, .string),
        ("[1,[2,[3,[true,false,null]]]]", .array),
    ]

    @Test(arguments: validDocuments)
    func acceptsValidDocument(_ document: String, kind: JSONValueKind) throws {
        #expect(try JSONScanner().validate(Array(document.utf8)) == kind)
    }

    static let invalidDocuments: [([UInt8], JSONScanError.Reason)] = [
        (utf8(""), .empty),
        (utf8(" \n\t "), .empty),
        (utf8("{"), .unexpectedEnd),
        (utf8(#"{"a":1,}"#), .unexpectedByte(UInt8(ascii: "}"))),
        (utf8("[1,]"), .unexpectedByte(UInt8(ascii: "]"))),
        (utf8(#"{"a" 1}"#), .unexpectedByte(UInt8(ascii: "1"))),
        (utf8("{a:1}"), .unexpectedByte(UInt8(ascii: "a"))),
        (utf8("{'a':1}"), .unexpectedByte(UInt8(ascii: "'"))),
        (utf8(#"{"a":1 "b":2}"#), .unexpectedByte(UInt8(ascii: "\""))),
        (utf8(#"{"a":1 /* c */}"#), .unexpectedByte(UInt8(ascii: "/"))),
        (utf8("[1 2]"), .unexpectedByte(UInt8(ascii: "2"))),
        (utf8("[1}"), .unexpectedByte(UInt8(ascii: "}"))),
        (utf8(#"{"a":1]"#), .unexpectedByte(UInt8(ascii: "]"))),
        (utf8("01"), .invalidNumber),
        (utf8("-01"), .invalidNumber),
        (utf8("-"), .unexpectedEnd),
        (utf8("-a"), .invalidNumber),
        (utf8("1."), .unexpectedEnd),
        (utf8("1.e5"), .invalidNumber),
        (utf8("1e"), .unexpectedEnd),
        (utf8("1e+"), .unexpectedEnd),
        (utf8("1e+x"), .invalidNumber),
        (utf8(".5"), .unexpectedByte(UInt8(ascii: "."))),
        (utf8("+1"), .unexpectedByte(UInt8(ascii: "+"))),
        (utf8("NaN"), .unexpectedByte(UInt8(ascii: "N"))),
        (utf8("tru"), .unexpectedEnd),
        (utf8("trux"), .invalidLiteral),
        (utf8("nul"), .unexpectedEnd),
        (utf8("nulL"), .invalidLiteral),
        (utf8("True"), .unexpectedByte(UInt8(ascii: "T"))),
        (utf8(#""abc"#), .unexpectedEnd),
        (utf8(#""\x""#), .invalidEscape),
        (utf8(#""\'""#), .invalidEscape),
        (utf8(#""\u12G4""#), .invalidUnicodeEscape),
        (utf8(#""\uD800""#), .unpairedSurrogate),
        (utf8(#""\uDC00""#), .unpairedSurrogate),
        (utf8(#""\uD800\u0041""#), .unpairedSurrogate),
        (utf8(#""\uD800x""#), .unpairedSurrogate),
        (utf8(#""\uDE00\uD83D""#), .unpairedSurrogate),
        (utf8("\"a\u{01}b\""), .controlCharacterInString(0x01)),
        (utf8("\"a\tb\""), .controlCharacterInString(0x09)),
        (utf8("\"a\nb\""), .controlCharacterInString(0x0A)),
        (utf8("{} {}"), .trailingData),
        (utf8("{}x"), .trailingData),
        (utf8("1 2"), .trailingData),
        ([0x22, 0xC0, 0xAF, 0x22], .invalidUTF8),  // overlong "/"
        ([0x22, 0xE0, 0x80, 0xAF, 0x22], .invalidUTF8),  // overlong "/" in three bytes
        ([0x22, 0xED, 0xA0, 0x80, 0x22], .invalidUTF8),  // UTF-8-encoded surrogate U+D800
        ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], .invalidUTF8),  // above U+10FFFF
        ([0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], .invalidUTF8),
        ([0x22, 0x80, 0x22], .invalidUTF8),  // lone continuation byte
        ([0x22, 0xE2, 0x82, 0x22], .invalidUTF8),  // sequence cut short by the quote
        ([0x22, 0xFF, 0x22], .invalidUTF8),
        ([0xFF], .unexpectedByte(0xFF)),
        ([0xEF, 0xBB, 0xBF, 0x7B, 0x7D], .unexpectedByte(0xEF)),  // a byte-order mark is not JSON
    ]

    @Test(arguments: invalidDocuments)
    func rejectsInvalidDocument(_ document: [UInt8], reason: JSONScanError.Reason) {
        #expect(throws: JSONScanError.self) { try JSONScanner().validate(document) }
        do {
            _ = try JSONScanner().validate(document)
        } catch {
            #expect(error.reason == reason)
        }
    }

    @Test func reportsTheOffsetOfTheProblem() throws {
        let error = try #require(throws: JSONScanError.self) { try JSONScanner().validate(utf8(#"{"a":[1,2,x]}"#)) }
        #expect(error == JSONScanError(.unexpectedByte(UInt8(ascii: "x")), at: 10))
        #expect(error.description == "invalid JSON at byte 10: unexpected character 'x'")
    }

    static let truncationSample = utf8(
        #"{"action":"sub\u0073cribe","entityId":"é-42","n":[1.5e3,-0,true,false,null],"o":{"k":"\uD83D\uDE00"}}"#)

    @Test func acceptsTheTruncationSampleWhole() throws {
        #expect(try JSONScanner().validate(Self.truncationSample) == .object)
    }

    @Test(arguments: 0..<truncationSample.count)
    func rejectsEveryTruncatedPrefix(_ length: Int) {
        let prefix = Array(Self.truncationSample[..<length])
        do {
            _ = try JSONScanner().validate(prefix)
            Issue.record("a \(length)-byte prefix was accepted")
        } catch {
            #expect(error.reason == (length == 0 ? .empty : .unexpectedEnd))
        }
    }

    @Test(arguments: ["[", "{\"a\":"])
    func refuses100000NestedOpenersWithoutOverflowing(_ opener: String) {
        let document = [UInt8](repeating: 0, count: 0) + Array(String(repeating: opener, count: 100_000).utf8)
        let error = #expect(throws: JSONScanError.self) { try JSONScanner().validate(document) }
        #expect(error?.reason == .tooDeep(limit: 512))
    }

    @Test func acceptsNestingUpToTheLimitAndRefusesOneMore() throws {
        let atLimit = Array((String(repeating: "[", count: 512) + String(repeating: "]", count: 512)).utf8)
        #expect(try JSONScanner().validate(atLimit) == .array)
        let overLimit = Array((String(repeating: "[", count: 513) + String(repeating: "]", count: 513)).utf8)
        #expect(throws: JSONScanError(.tooDeep(limit: 512), at: 512)) { try JSONScanner().validate(overLimit) }
    }

    @Test func honoursAConfiguredDepthLimit() throws {
        let scanner = JSONScanner(maximumDepth: 2)
        #expect(try scanner.validate(utf8("[[1]]")) == .array)
        #expect(throws: JSONScanError(.tooDeep(limit: 2), at: 2)) { try scanner.validate(utf8("[[[1]]]")) }
    }

    /// Alternating objects and arrays 300 deep exercise the container stack past its inline word.
    @Test func tracksContainerKindsBeyondSixtyFourLevels() throws {
        let depth = 300
        var opening = ""
        var closing: [String] = []
        for level in 0..<depth {
            if level % 3 == 0 {
                opening += #"{"k":"#
                closing.append("}")
            } else {
                opening += "["
                closing.append("]")
            }
        }
        let valid = opening + "1" + closing.reversed().joined()
        #expect(try JSONScanner().validate(utf8(valid)) == .object)

        var swapped = closing
        swapped[100] = swapped[100] == "}" ? "]" : "}"
        let invalid = opening + "1" + swapped.reversed().joined()
        #expect(throws: JSONScanError.self) { try JSONScanner().validate(utf8(invalid)) }
    }
}

func utf8(_ text: String) -> [UInt8] {
    Array(text.utf8)
}
