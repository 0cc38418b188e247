import Testing
import WebSocketCodec

@Suite("HTTP response head parser")
struct HandshakeResponseParserTests {
    static func parse(_ text: String, maximumHeadSize: Int = 16_384) throws -> (HTTP1ResponseHead, Int)? {
        var parser = HTTP1ResponseHeadParser(maximumHeadSize: maximumHeadSize)
        guard case .complete(let head, let consumed) = try parser.parse(Array(text.utf8)) else { return nil }
        return (head, consumed)
    }

    @Test func parsesRFCSampleResponse() throws {
        let (head, consumed) = try #require(try Self.parse(HandshakeFixtures.rfcResponse))
        #expect(consumed == HandshakeFixtures.rfcResponse.utf8.count)
        #expect(head.version == .http11)
        #expect(head.status == .switchingProtocols)
        #expect(head.headers["sec-websocket-accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(head.headers.count == 4)
    }

    @Test func recoversFrameBytesAfterTheHeadAtEverySplitPoint() throws {
        let frame: [UInt8] = [0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F]
        let bytes = Array(HandshakeFixtures.rfcResponse.utf8) + frame
        let expected = try #require(try Self.parse(HandshakeFixtures.rfcResponse)).0
        for split in 0...bytes.count {
            var parser = HTTP1ResponseHeadParser()
            var rest: [UInt8]?
            var head: HTTP1ResponseHead?
            if case .complete(let parsed, let consumed) = try parser.parse(bytes[..<split]) {
                head = parsed
                rest = Array(bytes[consumed..<split]) + bytes[split...]
            } else if case .complete(let parsed, let consumed) = try parser.parse(bytes[split...]) {
                head = parsed
                rest = Array(bytes[split...].dropFirst(consumed))
            }
            #expect(head == expected, "split at \(split)")
            #expect(rest == frame, "split at \(split)")
        }
    }

    @Test(
        "Parses status lines",
        arguments: [
            ("HTTP/1.1 101 Switching Protocols\r\n\r\n", 101, "Switching Protocols"),
            ("HTTP/1.1 404 \r\n\r\n", 404, ""),
            ("HTTP/1.1 400\r\n\r\n", 400, ""),
            ("HTTP/1.0 200 OK\r\n\r\n", 200, "OK"),
            ("HTTP/1.1 599 Odd  reason\twith tab\r\n\r\n", 599, "Odd  reason\twith tab"),
        ]
    )
    func parsesStatusLine(text: String, code: Int, reason: String) throws {
        let (head, _) = try #require(try Self.parse(text))
        #expect(head.status == HTTP1Status(code: code, reasonPhrase: reason))
    }

    @Test(
        "Rejects malformed status lines",
        arguments: [
            "HTTP/1.1 1O1 Switching Protocols\r\n\r\n",
            "HTTP/1.1 10 Short\r\n\r\n",
            "HTTP/1.1  101 Extra space\r\n\r\n",
            "HTTP/1.1\r\n\r\n",
            "ICY 200 OK\r\n\r\n",
            "\r\nHTTP/1.1 101 Switching Protocols\r\n\r\n",
        ]
    )
    func rejectsMalformedStatusLine(text: String) {
        #expect {
            try Self.parse(text)
        } throws: { error in
            guard case .malformedStartLine = error as? HTTP1HeadError else { return false }
            return true
        }
    }

    @Test func enforcesTheHeadSizeLimit() {
        #expect(throws: HTTP1HeadError.headTooLarge(limit: 20)) {
            try Self.parse("HTTP/1.1 101 Switching Protocols\r\n\r\n", maximumHeadSize: 20)
        }
    }
}
