import Testing
import WebSocketPubSubTesting

@testable import WebSocketPubSub

/// The scanner takes a shortcut for one-level objects of plain strings, the shape of almost every
/// client message. These pin that the shortcut and the full scan give the same outcome (the same
/// members, the same error at the same offset) on such objects and on every near miss.
@Suite("JSONScanner's flat-object path")
struct JSONScannerFlatObjectTests {
    /// Both paths' outcomes for `bytes`, looking for `action` and `entityId`.
    private func outcomes(_ bytes: [UInt8], depth: Int = JSONScanner.defaultMaximumDepth) -> (
        fast: Result<JSONScanCore.Outcome, JSONScanError>, full: Result<JSONScanCore.Outcome, JSONScanError>
    ) {
        func scan(_ fast: Bool) -> Result<JSONScanCore.Outcome, JSONScanError> {
            bytes.withUnsafeBytes { buffer in
                Self.action.withUnsafeBytes { action in
                    Self.entity.withUnsafeBytes { entity in
                        Result { () throws(JSONScanError) in
                            try JSONScanCore.scan(
                                buffer, key: action, secondKey: entity, maximumDepth: depth, allowingFlatObjects: fast)
                        }
                    }
                }
            }
        }
        return (scan(true), scan(false))
    }

    private static let action: [UInt8] = Array("action".utf8)
    private static let entity: [UInt8] = Array("entityId".utf8)

    @Test(arguments: [
        #"{"action":"subscribe","entityId":"game-42"}"#,
        #"{"entityId":"game-42","action":"unsubscribe"}"#,
        #"{ "action" : "subscribe" , "entityId" : "game-42" }"#,
        "{\"action\":\"subscribe\",\n\t\"entityId\":\"g\"}\r\n",
        #"{"action":"a","x":"","y":"0123456789abcdef0123456789"}"#,
        #"{"action":"a","action":"b"}"#,
        #"{"action":"a","entityId":"1","entityId":"2"}"#,
        #"{"entityId":"1"}"#,
        #"{"other":"value"}"#,
        #"{"a":"b"}"#,
    ])
    func answersTheSameOnFlatObjects(_ document: String) {
        let (fast, full) = outcomes(Array(document.utf8))
        #expect(fast == full, "\(document)")
    }

    /// Documents that leave the shortcut at some byte: it must give them back to the full scan
    /// rather than answer differently.
    @Test(arguments: [
        "{}", "{ }", "{", "{\"", #"{"action""#, #"{"action":"#, #"{"action":"sub"#, #"{"action":"subscribe""#,
        #"{"action":"subscribe","#, #"{"action":"subscribe",}"#, #"{"action":"subscribe"}x"#,
        #"{"action":"subscribe"}}"#, #"{"action":"subscribe"]"#, #"{"action" "subscribe"}"#,
        #"{"action":1}"#, #"{"action":true,"entityId":"e"}"#, #"{"action":null}"#, #"{"action":{"entityId":"e"}}"#,
        #"{"action":["a"]}"#, #"{"action":"sub\"scribe"}"#, #"{"act\u0069on":"subscribe"}"#,
        #"{"action":"café"}"#, "{\"action\":\"a\u{1}b\"}", "{\"action\":\"\u{7F}\"}", #"{"action":"a"} "#,
        " {\"action\":\"a\"}", #"["action","subscribe"]"#, #""action""#, "{\"action\":\"a\",\"e\":\"\\",
    ])
    func givesEveryOtherDocumentToTheFullScan(_ document: String) {
        let (fast, full) = outcomes(Array(document.utf8))
        #expect(fast == full, "\(document)")
    }

    @Test func agreesUnderTheSmallestDepthLimit() {
        let (fast, full) = outcomes(Array(#"{"action":"a","entityId":"b"}"#.utf8), depth: 1)
        #expect(fast == full)
        #expect((try? fast.get())?.member?.string == "a")
    }

    /// Seeded random flat objects of printable ASCII, each also cut short and with one byte changed
    /// at every position, so that the shortcut meets every kind of byte at every step.
    @Test(arguments: 0..<4)
    func agreesOnRandomFlatObjectsAndTheirMutations(seed: UInt64) {
        var random = SeededRandomNumberGenerator(seed: 0xF1A7_0000 + seed)
        let keys = ["action", "entityId", "a", "actio", "entityIdx", ""]
        let alphabet = Array(#"abcAZ09 -_"\{}[]:,."#.utf8) + [0x00, 0x1F, 0x7F, 0xC3, 0xA9]
        for _ in 0..<40 {
            var document: [UInt8] = [UInt8(ascii: "{")]
            for member in 0..<Int.random(in: 1...4, using: &random) {
                if member > 0 { document.append(UInt8(ascii: ",")) }
                document += Array("\"\(keys.randomElement(using: &random)!)\":\"".utf8)
                let value = (0..<Int.random(in: 0...20, using: &random)).map { _ in
                    UInt8.random(in: 0x20...0x7E, using: &random)
                }
                document += value.filter { $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
                document.append(UInt8(ascii: "\""))
            }
            document.append(UInt8(ascii: "}"))
            var variants = [document]
            for cut in 0..<document.count { variants.append(Array(document[..<cut])) }
            for position in document.indices {
                var changed = document
                changed[position] = alphabet.randomElement(using: &random)!
                variants.append(changed)
            }
            for variant in variants {
                let (fast, full) = outcomes(variant)
                #expect(fast == full, "\(String(decoding: variant, as: UTF8.self))")
            }
        }
    }
}
