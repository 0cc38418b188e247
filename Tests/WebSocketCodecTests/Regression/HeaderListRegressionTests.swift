import Testing
import WebSocketCodec

/// Header lists must be split on the comma byte (RFC 9110 §5.6.1), not on `Character`s: a comma
/// that forms one grapheme cluster with a neighbour (a combining mark after it, a prepended
/// character before it) is still a separator. Found while modelling the handshake for
/// `Fuzz/Targets/ServerHandshake.swift`.
@Suite("Regression: header list splitting")
struct HeaderListRegressionTests {
    @Test func splitsAtCommaFollowedByCombiningMark() {
        let headers: HTTP1Headers = ["Sec-WebSocket-Protocol": "chat,\u{301}superchat"]
        #expect(headers.listElements(for: "Sec-WebSocket-Protocol") == ["chat", "\u{301}superchat"])
    }

    @Test func findsTokenAfterCommaPrecededByPrependCharacter() {
        // U+0600 ARABIC NUMBER SIGN is a grapheme "prepend" character: it joins the comma after it.
        let headers: HTTP1Headers = ["Connection": "\u{600},Upgrade"]
        #expect(headers.containsToken("upgrade", for: "Connection"))
    }

    @Test func serverNamesTheInvalidSubprotocolElement() {
        let request = HTTP1RequestHead(
            method: "GET", target: "/",
            headers: [
                "Host": "a", "Upgrade": "websocket", "Connection": "Upgrade",
                "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13",
                "Sec-WebSocket-Protocol": "chat,\u{301}superchat",
            ])
        let result = WSServerHandshake().respond(to: request)
        guard case .reject(let error, _, _) = result else {
            Issue.record("accepted a request with an invalid subprotocol: \(result)")
            return
        }
        #expect(error == .invalidSubprotocol("\u{301}superchat"))
    }
}
