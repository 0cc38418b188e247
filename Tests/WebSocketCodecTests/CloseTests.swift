import Testing
import WebSocketCodec

@Suite("Close codes and payloads")
struct CloseTests {
    @Test("codes valid on the wire follow RFC 6455 §7.4 and the IANA registry")
    func wireValidity() {
        let valid: [UInt16] = [
            1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999,
        ]
        let invalid: [UInt16] = [0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535]
        for code in valid { #expect(WebSocketCloseCode(code).isValidOnWire, "\(code)") }
        for code in invalid { #expect(!WebSocketCloseCode(code).isValidOnWire, "\(code)") }
        #expect(WebSocketCloseCode.noStatusReceived.rawValue == 1005)
        #expect(WebSocketCloseCode.abnormalClosure.rawValue == 1006)
        #expect(WebSocketCloseCode.tlsHandshakeFailure.rawValue == 1015)
        #expect(WebSocketCloseCode.normalClosure.description == "1000 normal closure")
        #expect(WebSocketCloseCode(4321).description == "4321")
    }

    @Test("parses an empty payload as no code, reported as 1005")
    func parsesEmptyPayload() throws {
        let payload = try WebSocketClosePayload(parsing: [])
        #expect(payload.code == nil)
        #expect(payload.reason == "")
        #expect(payload.reportedCode == .noStatusReceived)
    }

    @Test("parses a code and a UTF-8 reason")
    func parsesCodeAndReason() throws {
        let payload = try WebSocketClosePayload(parsing: [0x03, 0xE8] + Array("bye ✓".utf8))
        #expect(payload.code == .normalClosure)
        #expect(payload.reason == "bye ✓")
        #expect(try WebSocketClosePayload(parsing: [0x0F, 0xA0]).code == WebSocketCloseCode(4000))
    }

    @Test("rejects a one-byte payload with 1002")
    func rejectsOneBytePayload() {
        #expect(throws: WebSocketProtocolError(.invalidClosePayloadLength)) {
            try WebSocketClosePayload(parsing: [0x03])
        }
        #expect(WebSocketProtocolError(.invalidClosePayloadLength).closeCode == .protocolError)
    }

    @Test(
        "rejects codes not valid on the wire with 1002",
        arguments: [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000] as [UInt16])
    func rejectsInvalidCodes(code: UInt16) {
        let bytes = [UInt8(code >> 8), UInt8(code & 0xFF)]
        #expect(throws: WebSocketProtocolError(.invalidCloseCode(code))) { try WebSocketClosePayload(parsing: bytes) }
        #expect(WebSocketProtocolError(.invalidCloseCode(code)).closeCode == .protocolError)
    }

    @Test("rejects a reason that is not UTF-8 with 1007")
    func rejectsInvalidReason() {
        #expect(throws: WebSocketProtocolError(.invalidCloseReason)) {
            try WebSocketClosePayload(parsing: [0x03, 0xE8, 0xCE, 0xBA, 0xED, 0xA0, 0x80])
        }
        #expect(WebSocketProtocolError(.invalidCloseReason).closeCode == .invalidFramePayloadData)
    }

    @Test("builds a payload of the code in network order and the reason")
    func buildsPayload() throws {
        #expect(try WebSocketClosePayload(code: .goingAway, reason: "bye").bytes == [0x03, 0xE9, 0x62, 0x79, 0x65])
        #expect(try WebSocketClosePayload(code: nil).bytes == [])
        let longest = String(repeating: "a", count: 123)
        #expect(try WebSocketClosePayload(code: .normalClosure, reason: longest).bytes.count == 125)
    }

    @Test("refuses to build payloads that may not be sent")
    func refusesInvalidPayloads() {
        #expect(throws: WebSocketUsageError.closeReasonTooLong(byteCount: 124)) {
            try WebSocketClosePayload(code: .normalClosure, reason: String(repeating: "a", count: 124))
        }
        #expect(throws: WebSocketUsageError.invalidCloseCode(1005)) {
            try WebSocketClosePayload(code: .noStatusReceived)
        }
        #expect(throws: WebSocketUsageError.invalidCloseCode(1006)) {
            try WebSocketClosePayload(code: .abnormalClosure)
        }
        #expect(throws: WebSocketUsageError.invalidCloseCode(1005)) {
            try WebSocketClosePayload(code: nil, reason: "why")
        }
    }
}

@Suite("Wire value types")
struct WireValueTests {
    @Test("opcodes know whether they are control or reserved")
    func opcodeClassification() {
        let known: [WebSocketOpcode] = [.continuation, .text, .binary, .close, .ping, .pong]
        #expect(known.map(\.rawValue) == [0, 1, 2, 8, 9, 10])
        #expect(known.map(\.isControl) == [false, false, false, true, true, true])
        #expect(known.allSatisfy { !$0.isReserved })
        for raw: UInt8 in [3, 4, 5, 6, 7, 11, 12, 13, 14, 15] {
            #expect(WebSocketOpcode(rawValue: raw)?.isReserved == true)
        }
        #expect(WebSocketOpcode(rawValue: 16) == nil)
        #expect(WebSocketOpcode.ping.description == "ping")
        #expect(WebSocketOpcode(rawValue: 0xB)?.description == "reserved opcode 0xB")
    }

    @Test("every protocol error names its close code")
    func protocolErrorCloseCodes() {
        let cases: [(WebSocketProtocolError.Kind, WebSocketCloseCode)] = [
            (.unmaskedFrameFromClient, .protocolError), (.maskedFrameFromServer, .protocolError),
            (.reservedOpcode(3), .protocolError), (.reservedBitsSet(.rsv1), .protocolError),
            (.fragmentedControlFrame, .protocolError), (.controlFrameTooLong, .protocolError),
            (.nonMinimalLength, .protocolError), (.lengthTopBitSet, .protocolError),
            (.frameTooLarge(limit: 1), .messageTooBig), (.messageTooLarge(limit: 1), .messageTooBig),
            (.invalidUTF8, .invalidFramePayloadData), (.unexpectedContinuation, .protocolError),
            (.expectedContinuation, .protocolError), (.invalidCloseCode(1005), .protocolError),
            (.invalidClosePayloadLength, .protocolError), (.invalidCloseReason, .invalidFramePayloadData),
            (.tooManyFragments(limit: 4), .policyViolation),
            (
                .extensionFailure(extensionName: "x", reason: "bad", closeCode: .invalidFramePayloadData),
                .invalidFramePayloadData
            ),
        ]
        for (kind, code) in cases {
            let error = WebSocketProtocolError(kind)
            #expect(error.closeCode == code, "\(kind)")
            #expect(!error.description.isEmpty)
            #expect(error.description.utf8.count <= 123)
        }
        #expect(
            WebSocketProtocolError(.messageTooLarge(limit: 1024)).description
                == "message larger than the limit of 1024 bytes")
    }
}
