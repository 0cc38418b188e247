import Testing
import WebSocketPubSub

@Suite("JSONScanner top-level members")
struct JSONScannerMemberTests {
    let scanner = JSONScanner()

    @Test func findsAStringAction() throws {
        let member = try scanner.member("action", in: utf8(#"{"action":"subscribe","entityId":"E"}"#))
        #expect(member == JSONMember(kind: .string, range: 10..<21, string: "subscribe"))
    }

    @Test func returnsNilWhenTheKeyIsAbsent() throws {
        #expect(try scanner.member("action", in: utf8(#"{"entityId":"E"}"#)) == nil)
        #expect(try scanner.member("action", in: utf8("{}")) == nil)
    }

    @Test func matchesAnEscapedKey() throws {
        let member = try scanner.member("action", in: utf8(#"{"\u0061ction":"go"}"#))
        #expect(member?.string == "go")
        #expect(try scanner.member("action", in: utf8(#"{"\u0061ctio":"go"}"#)) == nil)
        #expect(try scanner.member("action", in: utf8(#"{"\u0061ctions":"go"}"#)) == nil)
    }

    @Test func matchesAKeyWithEscapedNonASCII() throws {
        let member = try scanner.member("café😀", in: utf8(#"{"caf\u00e9\uD83D\uDE00":1}"#))
        #expect(member?.kind == .number)
    }

    @Test func ignoresActionsOfNestedObjects() throws {
        let document = #"{"data":{"action":"inner"},"list":[{"action":1}]}"#
        #expect(try scanner.member("action", in: utf8(document)) == nil)
        let withOuter = #"{"data":{"action":"inner"},"action":"outer","more":{"action":"x"}}"#
        #expect(try scanner.member("action", in: utf8(withOuter))?.string == "outer")
    }

    @Test func refusesADuplicatedKey() {
        #expect(throws: JSONScanError(.duplicateKey("action"), at: 14)) {
            try scanner.member("action", in: utf8(#"{"action":"a","action":"b"}"#))
        }
        #expect(throws: JSONScanError.self) {
            try scanner.member("action", in: utf8(#"{"action":"a","\u0061ction":"b"}"#))
        }
    }

    @Test func reportsInvalidJSONBeforeADuplicate() {
        #expect(throws: JSONScanError(.unexpectedEnd, at: 25)) {
            try scanner.member("action", in: utf8(#"{"action":"a","action":"b"#))
        }
    }

    @Test func allowsWhitespaceEverywhere() throws {
        let member = try scanner.member("action", in: utf8(" \n{ \t\"action\" \r\n : \n \"go\" \t, \"x\" : [ ] } \n"))
        #expect(member == JSONMember(kind: .string, range: 21..<25, string: "go"))
    }

    @Test(arguments: [
        (#"{"action":12.5e1}"#, JSONValueKind.number, "12.5e1"),
        (#"{"action":true}"#, .boolean, "true"),
        (#"{"action":null}"#, .null, "null"),
        (#"{"action":["a"]}"#, .array, #"["a"]"#),
        (#"{"action":{"action":"x","n":[1,{}]}}"#, .object, #"{"action":"x","n":[1,{}]}"#),
    ])
    func reportsTheRawSpanOfANonStringValue(_ document: String, kind: JSONValueKind, raw: String) throws {
        let data = utf8(document)
        let member = try #require(try scanner.member("action", in: data))
        #expect(member.kind == kind)
        #expect(member.string == nil)
        #expect(Array(data[member.range]) == utf8(raw))
    }

    @Test func unescapesAStringValue() throws {
        let document = #"{"action":"a\"b\\c\/\u00e9\uD83D\uDE00\n\t\b\f\r\u0000"}"#
        let member = try #require(try scanner.member("action", in: utf8(document)))
        #expect(member.string == "a\"b\\c/é😀\n\t\u{08}\u{0C}\r\u{00}")
        #expect(member.range == 10..<(document.utf8.count - 1))
    }

    @Test func keepsALongPlainStringValue() throws {
        let long = String(repeating: "abcdefgh", count: 40) + "é"
        let member = try scanner.member("action", in: utf8(#"{"action":"\#(long)"}"#))
        #expect(member?.string == long)
    }

    @Test func findsTheRawMessageOfAnEvent() throws {
        let data = utf8(#"{"entityId":"E","message":{"a":[1,2],"s":"}"}}"#)
        let member = try #require(try scanner.member("message", in: data))
        #expect(Array(data[member.range]) == utf8(#"{"a":[1,2],"s":"}"}"#))
    }

    @Test(arguments: [
        (#"[{"action":"x"}]"#, JSONValueKind.array),
        (#""action""#, .string),
        ("42", .number),
        ("null", .null),
    ])
    func refusesATopLevelThatIsNotAnObject(_ document: String, kind: JSONValueKind) {
        #expect(throws: JSONScanError(.notAnObject(kind), at: 0)) {
            try scanner.member("action", in: utf8(document))
        }
    }

    @Test func scansAnUnsafeBuffer() throws {
        let data = utf8(#"{"action":"go"}"#)
        let member = try data.withUnsafeBytes { buffer in try scanner.member("action", in: buffer) }
        #expect(member?.string == "go")
    }

    /// Keys are compared a word at a time, with overlapping loads at both ends: every length up to
    /// 40 bytes, against keys that differ only in their first, middle or last byte.
    @Test func findsKeysOfEveryLengthAndNoNearMiss() throws {
        for length in 0...40 {
            let key = String((0..<length).map { Character(UnicodeScalar(UInt8(ascii: "a") + UInt8($0 % 26))) })
            var decoys: [String] = []
            for position in Set([0, length / 2, length - 1]) where length > 0 {
                var bytes = Array(key.utf8)
                bytes[position] = UInt8(ascii: "_")
                decoys.append(String(decoding: bytes, as: UTF8.self))
            }
            let decoyMembers = decoys.enumerated().map { #""\#($0.element)":\#($0.offset)"# }
            let document = "{" + (decoyMembers + [#""\#(key)":"found""#]).joined(separator: ",") + "}"
            #expect(try scanner.member(key, in: utf8(document))?.string == "found", "length \(length)")
            for decoy in decoys {
                #expect(try scanner.member(decoy, in: utf8(document))?.kind == .number, "length \(length)")
            }
        }
    }
}
