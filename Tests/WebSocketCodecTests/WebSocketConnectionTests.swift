import Testing
import WebSocketCodec

@Suite("WebSocket connection")
struct WebSocketConnectionTests {
    static let key = CodecFixtures.rfcKey

    /// A frame as a client sends it (masked).
    static func clientFrame(_ first: UInt8, _ payload: [UInt8]) -> [UInt8] {
        CodecFixtures.rawFrame(first, payload: payload, key: key)
    }

    static func clientFrame(_ first: UInt8, _ text: String) -> [UInt8] {
        clientFrame(first, Array(text.utf8))
    }

    static func closeFrame(code: UInt16, reason: String = "") -> [UInt8] {
        clientFrame(0x88, [UInt8(code >> 8), UInt8(code & 0xFF)] + Array(reason.utf8))
    }

    /// The close code in an unmasked close frame written by a server.
    static func closeCode(in output: [UInt8]) -> UInt16? {
        guard output.count >= 4, output[0] == 0x88 else { return nil }
        return UInt16(output[2]) << 8 | UInt16(output[3])
    }

    // MARK: Messages

    @Test("delivers text and binary messages as events")
    func deliversMessages() {
        var connection = WSConnection(role: .server)
        let result = connection.receive(Self.clientFrame(0x81, "Hello") + Self.clientFrame(0x82, [1, 2, 3]))
        #expect(result.events == [.text("Hello"), .binary([1, 2, 3])])
        #expect(result.output == [])
        #expect(!result.shouldCloseTransport)
        #expect(connection.state == .open)
        if case .text(let text) = result.events.first {
            #expect(text.string == "Hello")
            #expect(text.utf8 == CodecFixtures.hello)
        }
    }

    @Test("answers a ping with a pong carrying the same payload")
    func answersPing() {
        var connection = WSConnection(role: .server)
        let result = connection.receive(Self.clientFrame(0x89, "Hello"))
        #expect(result.events == [.ping(CodecFixtures.hello)])
        #expect(result.output == [0x8A, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])
    }

    @Test("leaves pongs to the host when configured to")
    func hostAnswersPings() throws {
        var connection = WSConnection(role: .server, configuration: WSConfiguration(answersPings: false))
        let result = connection.receive(Self.clientFrame(0x89, "Hello"))
        #expect(result.events == [.ping(CodecFixtures.hello)])
        #expect(result.output == [])
        #expect(try connection.sendPong(CodecFixtures.hello) == [0x8A, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])
    }

    @Test("delivers a fragmented text with an interleaved ping and answers the ping")
    func fragmentedTextWithInterleavedPing() {
        var connection = WSConnection(role: .server)
        let bytes = Self.clientFrame(0x01, "Hel") + Self.clientFrame(0x89, "p") + Self.clientFrame(0x80, "lo")
        let result = connection.receive(bytes)
        #expect(result.events == [.ping([0x70]), .text("Hello")])
        #expect(result.output == [0x8A, 0x01, 0x70])
    }

    // MARK: Closing handshake

    @Test("echoes the peer's close code and asks to close the transport")
    func echoesClose() {
        var connection = WSConnection(role: .server)
        let result = connection.receive(Self.closeFrame(code: 1001, reason: "bye"))
        #expect(result.events == [.close(code: .goingAway, reason: "bye")])
        #expect(result.output == [0x88, 0x02, 0x03, 0xE9])
        #expect(result.shouldCloseTransport)
        #expect(connection.state == .closed)
    }

    @Test("answers an empty close with an empty close and reports 1005")
    func answersEmptyClose() {
        var connection = WSConnection(role: .server)
        let result = connection.receive(Self.clientFrame(0x88, []))
        #expect(result.events == [.close(code: .noStatusReceived, reason: "")])
        #expect(result.output == [0x88, 0x00])
        #expect(result.shouldCloseTransport)
    }

    @Test("ignores everything after the peer's close")
    func noDataAfterClose() {
        var connection = WSConnection(role: .server)
        let result = connection.receive(
            Self.closeFrame(code: 1000) + Self.clientFrame(0x81, "late") + Self.clientFrame(0x89, ""))
        #expect(result.events == [.close(code: .normalClosure, reason: "")])
        #expect(result.output == [0x88, 0x02, 0x03, 0xE8])
        let later = connection.receive(Self.clientFrame(0x81, "later"))
        #expect(later == WSReceiveResult())
    }

    @Test("after sending close, discards data until the peer's close completes the handshake")
    func closeInitiatedLocally() throws {
        var connection = WSConnection(role: .server)
        let close = try connection.sendClose(code: .goingAway, reason: "shutdown")
        #expect(close == [0x88, 0x0A, 0x03, 0xE9] + Array("shutdown".utf8))
        #expect(connection.state == .closing)
        let data = connection.receive(Self.clientFrame(0x81, "in flight") + Self.clientFrame(0x89, "p"))
        // Data after our close is discarded; a ping is still answered (RFC 6455 §5.5.2).
        #expect(data == WSReceiveResult(events: [.ping(Array("p".utf8))], output: [0x8A, 0x01, 0x70]))
        #expect(try connection.sendPong([1]) == [0x8A, 0x01, 0x01])
        #expect(throws: WSUsageError.connectionClosed) { try connection.sendText("x") }
        let reply = connection.receive(Self.closeFrame(code: 1001))
        #expect(reply.events == [.close(code: .goingAway, reason: "")])
        #expect(reply.output == [])
        #expect(reply.shouldCloseTransport)
        #expect(connection.state == .closed)
    }

    @Test("throws a usage error when sending after close")
    func sendAfterCloseThrows() throws {
        var connection = WSConnection(role: .server)
        _ = try connection.sendClose()
        #expect(throws: WSUsageError.connectionClosed) { try connection.sendText("x") }
        #expect(throws: WSUsageError.connectionClosed) { try connection.sendBinary([1]) }
        #expect(throws: WSUsageError.connectionClosed) { try connection.sendPing() }
        #expect(throws: WSUsageError.connectionClosed) { try connection.sendClose() }
        var peerClosed = WSConnection(role: .server)
        _ = peerClosed.receive(Self.closeFrame(code: 1000))
        _ = peerClosed.receive([])
        #expect(throws: WSUsageError.connectionClosed) { try peerClosed.sendText("x") }
        #expect(throws: WSUsageError.connectionClosed) { try peerClosed.sendClose() }
    }

    @Test("replies to a message that arrived together with a close still precede the close echo")
    func repliesBeforeCloseEcho() throws {
        var connection = WSConnection(role: .server)
        let result = connection.receive(Self.clientFrame(0x81, "Hello") + Self.closeFrame(code: 1000))
        #expect(result.events == [.text("Hello"), .close(code: .normalClosure, reason: "")])
        #expect(connection.state == .closed)
        let echo = try connection.sendText("Hello")
        #expect(echo == [0x81, 0x05] + CodecFixtures.hello)
        #expect(throws: WSUsageError.connectionClosed) { try connection.sendClose() }
        #expect(result.output == [0x88, 0x02, 0x03, 0xE8])
        _ = connection.receiveEndOfStream()
        #expect(throws: WSUsageError.connectionClosed) { try connection.sendText("late") }
    }

    @Test("replies to a message that arrived just before a violation still precede the failing close")
    func repliesBeforeFailure() throws {
        var connection = WSConnection(role: .server)
        let bytes =
            Self.clientFrame(0x81, "Hello, world!") + Self.clientFrame(0xA1, "Hello, world!")
            + Self.clientFrame(0x89, "")
        let result = connection.receive(bytes)
        #expect(
            result.events == [.text("Hello, world!"), .protocolError(WSProtocolError(.reservedBitsSet(.rsv2)))])
        #expect(try connection.sendText("Hello, world!").count == 15)
        #expect(Self.closeCode(in: result.output) == 1002)
        #expect(connection.receive([]) == WSReceiveResult())
        #expect(throws: WSUsageError.connectionClosed) { try connection.sendText("late") }
    }

    @Test("refuses to send invalid close codes, long reasons and long control payloads")
    func refusesInvalidSends() {
        var connection = WSConnection(role: .server)
        #expect(throws: WSUsageError.invalidCloseCode(1006)) { try connection.sendClose(code: .abnormalClosure) }
        #expect(throws: WSUsageError.closeReasonTooLong(byteCount: 200)) {
            try connection.sendClose(reason: String(repeating: "x", count: 200))
        }
        #expect(throws: WSUsageError.controlPayloadTooLong(byteCount: 126)) {
            try connection.sendPing([UInt8](repeating: 0, count: 126))
        }
        #expect(throws: WSUsageError.invalidUTF8) { try connection.sendText(utf8: [0xFF]) }
        #expect(connection.state == .open)
    }

    @Test("reports an abnormal closure (1006) when the stream ends without a close")
    func endOfStreamIsAbnormal() {
        var connection = WSConnection(role: .server)
        let result = connection.receiveEndOfStream()
        #expect(result.events == [.close(code: .abnormalClosure, reason: "")])
        #expect(result.output == [])
        #expect(result.shouldCloseTransport)
        #expect(connection.state == .closed)
        #expect(connection.receiveEndOfStream() == WSReceiveResult())
    }

    @Test("reports nothing at the end of the stream after a clean close")
    func endOfStreamAfterCleanClose() {
        var connection = WSConnection(role: .server)
        _ = connection.receive(Self.closeFrame(code: 1000))
        #expect(connection.receiveEndOfStream() == WSReceiveResult())
    }

    // MARK: Violations

    struct Violation: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let kind: WSProtocolError.Kind
        let code: UInt16
        var testDescription: String { name }
    }

    static let violations: [Violation] = [
        Violation(name: "unmasked frame", bytes: [0x81, 0x00], kind: .unmaskedFrameFromClient, code: 1002),
        Violation(name: "reserved opcode", bytes: clientFrame(0x83, []), kind: .reservedOpcode(3), code: 1002),
        Violation(
            name: "RSV1 without extension", bytes: clientFrame(0xC1, "a"), kind: .reservedBitsSet(.rsv1), code: 1002),
        Violation(name: "invalid UTF-8", bytes: clientFrame(0x81, [0xC0, 0x80]), kind: .invalidUTF8, code: 1007),
        Violation(
            name: "message too big",
            bytes: Array(clientFrame(0x82, [UInt8](repeating: 0, count: 2000))[..<8]),
            kind: .messageTooLarge(limit: 1000),
            code: 1009
        ),
        Violation(name: "continuation first", bytes: clientFrame(0x80, "x"), kind: .unexpectedContinuation, code: 1002),
        Violation(name: "close code 1005", bytes: closeFrame(code: 1005), kind: .invalidCloseCode(1005), code: 1002),
        Violation(
            name: "close with 1 byte", bytes: clientFrame(0x88, [0x03]), kind: .invalidClosePayloadLength, code: 1002),
        Violation(
            name: "close reason not UTF-8",
            bytes: clientFrame(0x88, [0x03, 0xE8, 0xFF]),
            kind: .invalidCloseReason,
            code: 1007
        ),
    ]

    @Test("fails the connection with the error's close code", arguments: violations)
    func failsWithCloseCode(_ violation: Violation) throws {
        var connection = WSConnection(role: .server, configuration: WSConfiguration(maxMessageSize: 1000))
        let result = connection.receive(violation.bytes)
        #expect(result.events == [.protocolError(WSProtocolError(violation.kind))])
        #expect(Self.closeCode(in: result.output) == violation.code)
        let frames = try CodecFixtures.readFrames([result.output], role: .client).get()
        #expect(frames.count == 1)
        let payload = try WSClosePayload(parsing: try #require(frames.first).payload)
        #expect(payload.reason == WSProtocolError(violation.kind).description)
        #expect(result.shouldCloseTransport)
        #expect(connection.state == .closed)
        #expect(connection.receive(Self.clientFrame(0x81, "after")) == WSReceiveResult())
    }

    @Test("delivers the events before a violation, then stops reading")
    func eventsBeforeViolationAreKept() {
        var connection = WSConnection(role: .server)
        let bytes =
            Self.clientFrame(0x81, "first") + Self.clientFrame(0x89, "p") + [0x81, 0x00]
            + Self.clientFrame(0x81, "never")
        let result = connection.receive(bytes)
        #expect(
            result.events == [
                .text("first"), .ping([0x70]), .protocolError(WSProtocolError(.unmaskedFrameFromClient)),
            ])
        #expect(Array(result.output[..<3]) == [0x8A, 0x01, 0x70])
        #expect(Self.closeCode(in: Array(result.output[3...])) == 1002)
    }

    @Test("fails fast on invalid UTF-8 inside a frame that has not fully arrived")
    func failsFastMidFrame() {
        var connection = WSConnection(role: .server)
        let payload = Array("valid prefix".utf8) + [0xF5] + [UInt8](repeating: 0x61, count: 100)
        let bytes = Self.clientFrame(0x81, payload)
        let result = connection.receive(Array(bytes[..<(6 + 13)]))
        #expect(result.events == [.protocolError(WSProtocolError(.invalidUTF8))])
        #expect(Self.closeCode(in: result.output) == 1007)
    }

    @Test("a violation after sending close closes the transport without another close frame")
    func violationWhileClosing() throws {
        var connection = WSConnection(role: .server)
        _ = try connection.sendClose()
        let result = connection.receive([0x81, 0x00])
        #expect(result.events == [.protocolError(WSProtocolError(.unmaskedFrameFromClient))])
        #expect(result.output == [])
        #expect(result.shouldCloseTransport)
    }

    // MARK: Client role

    @Test("the client role masks what it sends and reads unmasked frames")
    func clientRole() throws {
        var client = WSConnection(role: .client)
        let bytes = try client.sendText("Hello")
        #expect(bytes[0] == 0x81 && bytes[1] == 0x85)
        #expect(try CodecFixtures.readFrames([bytes], role: .server).get().map(\.payload) == [CodecFixtures.hello])
        let result = client.receive([0x89, 0x02, 0x68, 0x69, 0x81, 0x02, 0x68, 0x69])
        #expect(result.events == [.ping([0x68, 0x69]), .text("hi")])
        let pong = try CodecFixtures.readFrames([result.output], role: .server).get()
        #expect(pong.map(\.opcode) == [.pong])
        #expect(pong.first?.maskingKey != nil)
        #expect(pong.first?.payload == [0x68, 0x69])
        let masked = client.receive(Self.clientFrame(0x81, "x"))
        #expect(masked.events == [.protocolError(WSProtocolError(.maskedFrameFromServer))])
    }

    @Test("a client and a server talk to each other through their bytes")
    func clientServerConversation() throws {
        var client = WSConnection(role: .client)
        var server = WSConnection(role: .server)
        let toServer = try client.sendText("question") + client.sendBinary([9, 9]) + client.sendPing([1])
        let atServer = server.receive(toServer)
        #expect(atServer.events == [.text("question"), .binary([9, 9]), .ping([1])])
        let toClient = try server.sendText("answer") + atServer.output
        #expect(client.receive(toClient).events == [.text("answer"), .pong([1])])
        let close = try client.sendClose(code: WSCloseCode(4000), reason: "done")
        let serverClose = server.receive(close)
        #expect(serverClose.events == [.close(code: WSCloseCode(4000), reason: "done")])
        let clientClose = client.receive(serverClose.output)
        #expect(clientClose.events == [.close(code: WSCloseCode(4000), reason: "")])
        #expect(client.state == .closed && server.state == .closed)
    }

    @Test("any chunking of a conversation yields the same events and output")
    func chunkingIndependent() {
        let bytes =
            Self.clientFrame(0x01, "Hel") + Self.clientFrame(0x89, "p") + Self.clientFrame(0x80, "lo €")
            + Self.clientFrame(0x82, [UInt8](repeating: 3, count: 130)) + Self.closeFrame(code: 1000, reason: "ok")
        var reference = WSConnection(role: .server)
        let expected = reference.receive(bytes)
        #expect(expected.events.count == 4)
        for point in 0...bytes.count {
            var connection = WSConnection(role: .server)
            #expect(CodecFixtures.run(&connection, [Array(bytes[..<point]), Array(bytes[point...])]) == expected)
        }
        var byteByByte = WSConnection(role: .server)
        #expect(CodecFixtures.run(&byteByByte, bytes.map { [$0] }) == expected)
        var generator = SeededGenerator(seed: 99)
        for _ in 0..<50 {
            var connection = WSConnection(role: .server)
            let chunks = CodecFixtures.split(
                bytes, at: CodecFixtures.randomSplitPoints(count: bytes.count, using: &generator))
            #expect(CodecFixtures.run(&connection, chunks) == expected)
        }
    }
}
