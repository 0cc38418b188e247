import Testing
import WebSocketCodec

@Suite("HTTP request head parser")
struct HandshakeRequestParserTests {
    /// A WebSocket text frame "Hello" (RFC 6455 §5.7, masked) that follows the head in the same read.
    static let trailingFrame: [UInt8] = [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]

    /// Feeds chunks in order until the head is complete; returns it with every byte after it.
    static func feed(
        _ chunks: [ArraySlice<UInt8>],
        maximumHeadSize: Int = HTTP1RequestHeadParser.defaultMaximumHeadSize
    ) throws -> (head: HTTP1RequestHead, rest: [UInt8])? {
        var parser = HTTP1RequestHeadParser(maximumHeadSize: maximumHeadSize)
        for (index, chunk) in chunks.enumerated() {
            if case .complete(let head, let consumed) = try parser.parse(chunk) {
                #expect(consumed >= 0 && consumed <= chunk.count)
                let rest = Array(chunk.dropFirst(consumed)) + chunks[(index + 1)...].flatMap { $0 }
                return (head, rest)
            }
        }
        return nil
    }

    @Test func parsesRFCSampleRequest() throws {
        let bytes = Array(HandshakeFixtures.rfcRequest.utf8)
        let (head, consumed) = try #require(try HandshakeFixtures.parseRequest(bytes))
        #expect(consumed == bytes.count)
        #expect(head.method == "GET")
        #expect(head.target == "/chat")
        #expect(head.version == .http11)
        #expect(head.headers.count == 7)
        #expect(head.headers["host"] == "server.example.com")
        #expect(head.headers["SEC-WEBSOCKET-KEY"] == "dGhlIHNhbXBsZSBub25jZQ==")
        #expect(head.headers.listElements(for: "sec-websocket-protocol") == ["chat", "superchat"])
        #expect(head.headers.fields.first == HTTP1Headers.Field(name: "Host", value: "server.example.com"))
    }

    @Test func givesSameResultAtEverySplitPoint() throws {
        let bytes = Array(HandshakeFixtures.rfcRequest.utf8) + Self.trailingFrame
        let expected = try #require(try Self.feed([bytes[...]]))
        #expect(expected.rest == Self.trailingFrame)
        for split in 0...bytes.count {
            let result = try #require(try Self.feed([bytes[..<split], bytes[split...]]), "split at \(split)")
            #expect(result.head == expected.head, "split at \(split)")
            #expect(result.rest == Self.trailingFrame, "split at \(split)")
        }
    }

    @Test func givesSameResultByteByByte() throws {
        let head = Array(HandshakeFixtures.rfcRequest.utf8)
        let bytes = head + Self.trailingFrame
        var parser = HTTP1RequestHeadParser()
        for (index, byte) in bytes.enumerated() {
            let result = try parser.parse(CollectionOfOne(byte))
            if index < head.count - 1 {
                #expect(result == .needMoreData, "byte \(index)")
            } else {
                let expected = try #require(try HandshakeFixtures.parseRequest(head))
                #expect(result == .complete(expected.head, consumed: 1))
                break
            }
        }
    }

    @Test func readsPipelinedRequestsOneAfterAnother() throws {
        let first = "POST /events HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n"
        let second = "GET /stats HTTP/1.1\r\nHost: a\r\n\r\n"
        let bytes = Array((first + "{}" + second).utf8)
        var parser = HTTP1RequestHeadParser()
        guard case .complete(let post, let consumed) = try parser.parse(bytes) else {
            Issue.record("the first head should be complete")
            return
        }
        #expect(post.method == "POST")
        #expect(post.headers["content-length"] == "2")
        #expect(consumed == first.utf8.count)
        let remaining = bytes.dropFirst(consumed + 2)
        guard case .complete(let get, let secondConsumed) = try parser.parse(remaining) else {
            Issue.record("the second head should be complete")
            return
        }
        #expect(get.method == "GET")
        #expect(get.target == "/stats")
        #expect(secondConsumed == remaining.count)
    }

    @Test func skipsEmptyLinesBeforeTheRequestLine() throws {
        let text = "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"
        let (head, consumed) = try #require(try HandshakeFixtures.parseRequest(Array(text.utf8)))
        #expect(head.target == "/")
        #expect(consumed == text.utf8.count)
    }

    @Test func keepsRepeatedHeadersAndTrimsOptionalWhitespace() throws {
        let text =
            "GET /x?y=1 HTTP/1.0\r\n"
            + "Connection:   keep-alive ,  Upgrade \t\r\n"
            + "X-Thing:one\r\n"
            + "x-thing: \ttwo, three\r\n"
            + "Empty:\r\n"
            + "\r\n"
        let (head, _) = try #require(try HandshakeFixtures.parseRequest(Array(text.utf8)))
        #expect(head.version == .http10)
        #expect(head.target == "/x?y=1")
        #expect(head.headers["connection"] == "keep-alive ,  Upgrade")
        #expect(head.headers.containsToken("UPGRADE", for: "Connection"))
        #expect(head.headers.containsToken("keep-alive", for: "connection"))
        #expect(!head.headers.containsToken("close", for: "Connection"))
        #expect(head.headers["X-THING"] == "one")
        #expect(head.headers.values(for: "x-thing") == ["one", "two, three"])
        #expect(head.headers.listElements(for: "X-Thing") == ["one", "two", "three"])
        #expect(head.headers["Empty"] == "")
        #expect(head.headers["Missing"] == nil)
    }

    @Test func acceptsObsoleteTextInValues() throws {
        let bytes = Array("GET / HTTP/1.1\r\nX-Name: caf".utf8) + [0xC3, 0xA9] + Array("\r\n\r\n".utf8)
        let (head, _) = try #require(try HandshakeFixtures.parseRequest(bytes))
        #expect(head.headers["x-name"] == "café")
    }

    @Test(
        "Rejects malformed request lines",
        arguments: [
            "GET /chat\r\n\r\n",
            "GET  /chat HTTP/1.1\r\n\r\n",
            "GET /chat HTTP/1.1 \r\n\r\n",
            "GET /chat HTTP/1.1 extra\r\n\r\n",
            " GET /chat HTTP/1.1\r\n\r\n",
            "G(T /chat HTTP/1.1\r\n\r\n",
            "GET /ch\u{7F}at HTTP/1.1\r\n\r\n",
            "GET /chat HTTP/11\r\n\r\n",
            "GET /chat http/1.1\r\n\r\n",
            "GET /chat HTTP/1.x\r\n\r\n",
            "GET /chat HTTP/1.1.1\r\n\r\n",
        ]
    )
    func rejectsMalformedRequestLine(text: String) {
        let error = HandshakeFixtures.requestError(text)
        guard case .malformedStartLine = error else {
            Issue.record("expected a malformed start line, got \(String(describing: error))")
            return
        }
        #expect(error?.status == .badRequest)
    }

    @Test func rejectsUnsupportedHTTPVersionWith505() {
        let error = HandshakeFixtures.requestError("GET / HTTP/2.0\r\nHost: a\r\n\r\n")
        #expect(error == .unsupportedVersion("HTTP/2.0"))
        #expect(error?.status == .httpVersionNotSupported)
    }

    @Test(
        "Rejects malformed header lines",
        arguments: [
            ("GET / HTTP/1.1\r\nHost a\r\n\r\n", "A header line has no colon."),
            ("GET / HTTP/1.1\r\n: a\r\n\r\n", "A header line has an empty name."),
            ("GET / HTTP/1.1\r\nHost : a\r\n\r\n", "Whitespace between a header name and its colon is not allowed."),
            ("GET / HTTP/1.1\r\nHo(st: a\r\n\r\n", "A header name holds characters that are not allowed in a token."),
            ("GET / HTTP/1.1\r\nHost: a\u{0}b\r\n\r\n", "The value of header Host holds control characters."),
            ("GET / HTTP/1.1\r\nHost: a\u{7F}\r\n\r\n", "The value of header Host holds control characters."),
        ]
    )
    func rejectsMalformedHeaderLine(text: String, reason: String) {
        let error = HandshakeFixtures.requestError(text)
        #expect(error == .malformedHeaderLine(reason: reason))
        #expect(error?.reason == reason)
        #expect(error?.status == .badRequest)
    }

    @Test(
        "Rejects obsolete line folding",
        arguments: [
            "GET / HTTP/1.1\r\nX-Long: a\r\n b\r\n\r\n",
            "GET / HTTP/1.1\r\nX-Long: a\r\n\tb\r\n\r\n",
            "GET / HTTP/1.1\r\n Host: a\r\n\r\n",
        ]
    )
    func rejectsObsoleteLineFolding(text: String) {
        #expect(HandshakeFixtures.requestError(text) == .obsoleteLineFolding)
    }

    @Test(
        "Rejects line endings other than CRLF",
        arguments: [
            "GET / HTTP/1.1\nHost: a\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\n\n",
            "GET / HTTP/1.1\r\nHost: a\r\n\n",
            "GET / HTTP/1.1\rHost: a\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\n\r\r",
        ]
    )
    func rejectsLineEndingsOtherThanCRLF(text: String) {
        let error = HandshakeFixtures.requestError(text)
        #expect(error == .invalidLineEnding)
        #expect(error?.status == .badRequest)
    }

    @Test func rejectsMalformedLineBeforeTheHeadEnds() throws {
        var parser = HTTP1RequestHeadParser()
        #expect(try parser.parse(Array("GET / HTTP/1.1\r\n".utf8)) == .needMoreData)
        #expect(throws: HTTP1HeadError.malformedHeaderLine(reason: "A header line has no colon.")) {
            try parser.parse(Array("no colon here\r\n".utf8))
        }
    }

    @Test func acceptsHeadOfExactlyTheMaximumSize() throws {
        let text = "GET / HTTP/1.1\r\nX: \(String(repeating: "a", count: 40))\r\n\r\n"
        let size = text.utf8.count
        let (head, consumed) = try #require(try HandshakeFixtures.parseRequest(Array(text.utf8), maximumHeadSize: size))
        #expect(consumed == size)
        #expect(head.headers["x"]?.count == 40)
        #expect(HandshakeFixtures.requestError(text, maximumHeadSize: size - 1) == .headTooLarge(limit: size - 1))
    }

    @Test func leadingEmptyLinesCountTowardTheLimit() {
        let text = String(repeating: "\r\n", count: 40) + "GET / HTTP/1.1\r\n\r\n"
        #expect(HandshakeFixtures.requestError(text, maximumHeadSize: 64) == .headTooLarge(limit: 64))
    }

    @Test func rejectsOversizedHeadWhileBytesArriveWith431() throws {
        // A head that never ends: the limit must trip from the size alone, long before any CRLFCRLF.
        var parser = HTTP1RequestHeadParser()
        let limit = HTTP1RequestHeadParser.defaultMaximumHeadSize
        #expect(parser.maximumHeadSize == 16_384)
        #expect(try parser.parse(Array("GET / HTTP/1.1\r\nHost: a\r\n".utf8)) == .needMoreData)
        let line = Array("X-Padding: \(String(repeating: "p", count: 87))\r\n".utf8)
        #expect(line.count == 100)
        var fed = 26
        var thrown: HTTP1HeadError?
        while fed <= limit + line.count {
            do {
                #expect(try parser.parse(line) == .needMoreData)
                fed += line.count
            } catch {
                thrown = error
                break
            }
        }
        #expect(thrown == .headTooLarge(limit: limit))
        #expect(fed > limit - line.count && fed <= limit)
        #expect(thrown?.status == .requestHeaderFieldsTooLarge)
        #expect(thrown?.status.code == 431)
        // The parser stays failed: the stream position of the next message is unknown.
        #expect(throws: HTTP1HeadError.headTooLarge(limit: limit)) {
            try parser.parse(Array("\r\n".utf8))
        }
    }

    @Test func doesNotLookAtBytesAfterTheHead() throws {
        // Garbage after the head (a body, a frame) must not cause an error or count toward the limit.
        let head = Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
        let bytes = head + [UInt8](repeating: 0, count: 100_000)
        let (_, consumed) = try #require(try HandshakeFixtures.parseRequest(bytes, maximumHeadSize: head.count))
        #expect(consumed == head.count)
    }
}
