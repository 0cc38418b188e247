import Foundation
import Testing
import WebSocketPubSub

@Suite("Notifier entity envelope")
struct NotifierEnvelopeTests {
    @Test(arguments: [
        ("game-42", #"{"entityId":"game-42","message":[1]}"#),
        (#"say "hi""#, #"{"entityId":"say \"hi\"","message":[1]}"#),
        (#"back\slash"#, #"{"entityId":"back\\slash","message":[1]}"#),
        ("a\nb\tc\r\u{08}\u{0C}", #"{"entityId":"a\nb\tc\r\b\f","message":[1]}"#),
        ("\u{00}\u{01}\u{1F}", #"{"entityId":"\u0000\u0001\u001f","message":[1]}"#),
        ("café-🎲", #"{"entityId":"café-🎲","message":[1]}"#),
        ("/\u{7F}\u{2028}", "{\"entityId\":\"/\u{7F}\u{2028}\",\"message\":[1]}"),
    ])
    func escapesTheEntityIdAsAJSONString(raw: String, expected: String) throws {
        let message = OutboundMessage.entityEnvelope(entityId: try EntityID(validating: raw), json: Array("[1]".utf8))

        #expect(message.kind == .text)
        #expect(String(decoding: message.bytes, as: UTF8.self) == expected)
        let parsed = try #require(
            try JSONSerialization.jsonObject(with: Data(message.bytes)) as? [String: Any])
        #expect(parsed["entityId"] as? String == raw)
        #expect(parsed["message"] as? [Int] == [1])
    }

    @Test func copiesTheMessageBytesUnchanged() throws {
        let json = Array(#"{"nested":{"a":"\"x\""},"n":[1,2.5,null,true]}"#.utf8)
        let message = OutboundMessage.entityEnvelope(entityId: try EntityID(validating: "E"), json: json)

        let prefix = Array(#"{"entityId":"E","message":"#.utf8)
        #expect(message.bytes == prefix + json + [UInt8(ascii: "}")])
    }

    @Test func publishEventWrapsJSONInTheEnvelope() throws {
        let id = try EntityID(validating: "E")
        let event = PublishEvent(entityId: id, json: Array("3".utf8))

        #expect(event.message == OutboundMessage(text: #"{"entityId":"E","message":3}"#))
        #expect(event.entityId == id)
    }
}
