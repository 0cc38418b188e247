import Foundation
import Testing
import WebSocketPubSub

@Suite("JSON string escaping")
struct JSONEscapingTests {
    @Test func quotesAndEscapesWhatRFC8259Requires() {
        #expect(JSONEscaping.quoted("a\"b\\c") == #""a\"b\\c""#)
        #expect(JSONEscaping.quoted("\u{08}\u{0C}\n\r\t") == #""\b\f\n\r\t""#)
        #expect(JSONEscaping.quoted("\u{00}\u{1F}") == #""\u0000\u001f""#)
    }

    @Test func copiesEveryOtherCharacterAsUTF8() {
        #expect(JSONEscaping.quoted("ゲーム/42 🎲 \u{7F}") == "\"ゲーム/42 🎲 \u{7F}\"")
    }

    @Test(arguments: ["", "plain", "tab\there", "\u{00}nul", "quote\"", "ünï", "\u{1F}\u{20}"])
    func roundTripsThroughJSONSerialization(text: String) throws {
        let decoded = try JSONSerialization.jsonObject(
            with: Data(JSONEscaping.quoted(text).utf8), options: .fragmentsAllowed)
        #expect(decoded as? String == text)
    }
}
