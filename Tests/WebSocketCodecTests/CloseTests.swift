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
        for code in valid { #expect(WSCloseCode(code).isValidOnWire, "\(code)") }
        for code in invalid { #expect(!WSCloseCode(code).isValidOnWire, "\(code)") }
        #expect(WSCloseCode.noStatusReceived.rawValue == 1005)
        #expect(WSCloseCode.abnormalClosure.rawValue == 1006)
        #expect(WSCloseCode.tlsHandshakeFailure.rawValue == 1015)
        #expect(WSCloseCode.normalClosure.description == "1000 normal closure")
        #expect(WSCloseCode(4321).description == "4321")
    }

    @Test("parses an empty payload as no code, reported as 1005")
    func parsesEmptyPayload() throws {
        let payload = try WSClosePayload(parsing: [])
        #expect(payload.code == nil)
        #expect(payload.reason == "")
        #expect(payload.reportedCode == .noStatusReceived)
    }

    @Test("parses a code and a UTF-8 reason")
    func parsesCodeAndReason() throws {
        let payload = try WSClosePayload(parsing: [0x03, 0xE8] + Array("bye ✓".utf8))
        #expect(payload.code == .normalClosure)
        #expect(payload.reason == "bye ✓")
        #expect(try WSClosePayload(parsing: [0x0F, 0xA0]).code == WSCloseCode(4000))
    }

    @Test("rejects a one-byte payload with 1002")
    func rejectsOneBytePayload() {
        #expect(throws: WSProtocolError(.invalidClosePayloadLength)) {
            try WSClosePayload(parsing: [0x03])
        }
        #expect(WSProtocolError(.invalidClosePayloadLength).closeCode == .protocolError)
    }

    @Test(
        "rejects codes not valid on the wire with 1002",
        arguments: [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000] as [UInt16])
    func rejectsInvalidCodes(code: UInt16) {
        let bytes = [UInt8(code >> 8), UInt8(code & 0xFF)]
        #expect(throws: WSProtocolError(.invalidCloseCode(code))) { try WSClosePayload(parsing: bytes) }
        #expect(WSProtocolError(.invalidCloseCode(code)).closeCode == .protocolError)
    }

    @Test("rejects a reason that is not UTF-8 with 1007")
    func rejectsInvalidReason() {
        #expect(throws: WSProtocolError(.invalidCloseReason)) {
            try WSClosePayload(parsing: [0x03, 0xE8, 0xCE, 0xBA, 0xED, 0xA0, 0x80])
        }
        #expect(WSProtocolError(.invalidCloseReason).closeCode == .invalidFramePayloadData)
    }

    @Test("builds a payload of the code in network order and the reason")
    func buildsPayload() throws {
        #expect(try WSClosePayload(code: .goingAway, reason: "bye").bytes == [0x03, 0xE9, 0x62, 0x79, 0x65])
        #expect(try WSClosePayload(code: nil).bytes == [])
        let longest = String(repeating: "a", count: 123)
        #expect(try WSClosePayload(code: .normalClosure, reason: longest).bytes.count == 125)
    }

    @Test("refuses to build payloads that may not be sent")
    func refusesInvalidPayloads() {
        #expect(throws: WSUsageError.closeReasonTooLong(byteCount: 124)) {
            try WSClosePayload(code: .normalClosure, reason: String(repeating: "a", count: 124))
        }
        #expect(throws: WSUsageError.invalidCloseCode(1005)) {
            try WSClosePayload(code: .noStatusReceived)
        }
        #expect(throws: WSUsageError.invalidCloseCode(1006)) {
            try WSClosePayload(code: .abnormalClosure)
        }
        #expect(throws: WSUsageError.invalidCloseCode(1005)) {
            try WSClosePayload(code: nil, reason: "why")
        }
    }
}

@Suite("Wire value types")
struct WireValueTests {
    @Test("opcodes know whether they are control or reserved")
    func opcodeClassification() {
        let known: [WSOpcode] = [.continuation, .text, .binary, .close, .ping, .pong]
        #expect(known.map(\.rawValue) == [0, 1, 2, 8, 9, 10])
        #expect(known.map(\.isControl) == [false, false, false, true, true, true])
        #expect(known.allSatisfy { !$0.isReserved })
        for raw: UInt8 in [3, 4, 5, 6, 7, 11, 12, 13, 14, 15] {
            #expect(WSOpcode(rawValue: raw)?.isReserved == true)
        }
        #expect(WSOpcode(rawValue: 16) == nil)
        #expect(WSOpcode.ping.description == "ping")
        #expect(WSOpcode(rawValue: 0xB)?.description == "reserved opcode 0xB")
    }

    @Test("every protocol error names its close code")
    func protocolErrorCloseCodes() {
        let cases: [(WSProtocolError.Kind, WSCloseCode)] = [
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
            let error = WSProtocolError(kind)
            #expect(error.closeCode == code, "\(kind)")
            #expect(!error.description.isEmpty)
            #expect(error.description.utf8.count <= 123)
        }
        #expect(
            WSProtocolError(.messageTooLarge(limit: 1024)).description
                == "message larger than the limit of 1024 bytes")
    }
}
