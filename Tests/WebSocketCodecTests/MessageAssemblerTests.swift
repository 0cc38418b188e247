import Testing
import WebSocketCodec

@Suite("Message assembler")
struct MessageAssemblerTests {
    /// Decodes client frames (server role) from `chunks` and assembles them.
    static func assemble(
        _ chunks: [[UInt8]],
        maxMessageSize: Int = 1 << 20,
        maxFramesPerMessage: Int = 1024,
        extensions: [any WSExtension] = []
    ) -> (messages: [WSMessage], error: WSProtocolError?, failedAtChunk: Int?) {
        var assembler = WSMessageAssembler(
            maxMessageSize: maxMessageSize,
            maxFramesPerMessage: maxFramesPerMessage,
            extensions: extensions
        )
        var decoder = WSFrameDecoder(role: .server, allowedReservedBits: assembler.claimedReservedBits)
        var messages: [WSMessage] = []
        for (index, chunk) in chunks.enumerated() {
            let failure: WSProtocolError? = chunk.withUnsafeBytes { buffer in
                var input = buffer
                do throws(WSProtocolError) {
                    while true {
                        switch try decoder.next(from: &input) {
                        case .needMoreData: return nil
                        case .header(let header): try assembler.receiveHeader(header)
                        case .payload(let chunk): try assembler.receivePayload(chunk)
                        case .frameEnd: if let message = try assembler.receiveFrameEnd() { messages.append(message) }
                        }
                    }
                } catch {
                    return error
                }
            }
            if let failure { return (messages, failure, index) }
        }
        return (messages, nil, nil)
    }

    static let key = CodecFixtures.rfcKey

    static func frame(_ first: UInt8, _ payload: [UInt8]) -> [UInt8] {
        CodecFixtures.rawFrame(first, payload: payload, key: key)
    }

    static func frame(_ first: UInt8, _ text: String) -> [UInt8] {
        frame(first, Array(text.utf8))
    }

    @Test("assembles the RFC fragmented text message")
    func assemblesFragmentedText() {
        let result = Self.assemble([Self.frame(0x01, "Hel") + Self.frame(0x80, "lo")])
        #expect(result.messages == [.text("Hello")])
        #expect(result.error == nil)
    }

    @Test("delivers control frames interleaved inside a fragmented message in order")
    func interleavedControlFrames() {
        let bytes =
            Self.frame(0x01, "fra") + Self.frame(0x89, "ping") + Self.frame(0x00, "gme")
            + Self.frame(0x8A, "pong") + Self.frame(0x80, "nted")
        let result = Self.assemble([bytes])
        #expect(
            result.messages == [.ping(Array("ping".utf8)), .pong(Array("pong".utf8)), .text("fragmented")]
        )
    }

    @Test("assembles binary messages from many fragments, including empty ones")
    func assemblesBinaryFragments() {
        var bytes = Self.frame(0x02, [1, 2])
        bytes += Self.frame(0x00, [])
        bytes += Self.frame(0x00, [3])
        bytes += Self.frame(0x80, [])
        #expect(Self.assemble([bytes]).messages == [.binary([1, 2, 3])])
    }

    @Test("rejects a continuation without a message in progress")
    func rejectsUnexpectedContinuation() {
        let result = Self.assemble([Self.frame(0x80, "x")])
        #expect(result.error?.kind == .unexpectedContinuation)
        #expect(result.error?.closeCode == .protocolError)
    }

    @Test("rejects a new data frame while a message is in progress")
    func rejectsExpectedContinuation() {
        let result = Self.assemble([Self.frame(0x01, "a") + Self.frame(0x81, "b")])
        #expect(result.error?.kind == .expectedContinuation)
        #expect(result.error?.closeCode == .protocolError)
    }

    @Test("rejects RSV bits on a control or continuation frame even when an extension claims them")
    func rejectsReservedBitsOutsideFirstFrame() {
        let ping = Self.assemble([Self.frame(0xC9, "x")], extensions: [ReversingExtension()])
        #expect(ping.error?.kind == .reservedBitsSet(.rsv1))
        let continuation = Self.assemble(
            [Self.frame(0x41, "a") + Self.frame(0xC0, "b")], extensions: [ReversingExtension()])
        #expect(continuation.error?.kind == .reservedBitsSet(.rsv1))
    }

    @Test("rejects a message over the limit from the header, before its payload")
    func rejectsOversizedMessageFromHeader() {
        let header = Array(Self.frame(0x82, [UInt8](repeating: 0, count: 2000))[..<8])
        let result = Self.assemble([header], maxMessageSize: 1999)
        #expect(result.error?.kind == .messageTooLarge(limit: 1999))
        #expect(result.error?.closeCode == .messageTooBig)
    }

    @Test("counts what is buffered plus the next frame's declared length against the limit")
    func rejectsOversizedFragmentedMessage() {
        let first = Self.frame(0x02, [UInt8](repeating: 0, count: 60))
        let second = Array(Self.frame(0x80, [UInt8](repeating: 0, count: 41))[..<6])
        let result = Self.assemble([first, second], maxMessageSize: 100)
        #expect(result.error?.kind == .messageTooLarge(limit: 100))
        #expect(result.failedAtChunk == 1)
        let fits = Self.assemble([first + Self.frame(0x80, [UInt8](repeating: 0, count: 40))], maxMessageSize: 100)
        #expect(fits.messages == [.binary([UInt8](repeating: 0, count: 100))])
    }

    @Test("rejects a message with more frames than the limit with 1008")
    func rejectsTooManyFragments() {
        var bytes = Self.frame(0x02, [0])
        for _ in 0..<3 { bytes += Self.frame(0x00, [0]) }
        let atLimit = Self.assemble([bytes + Self.frame(0x80, [])], maxFramesPerMessage: 5)
        #expect(atLimit.messages == [.binary([0, 0, 0, 0])])
        let overLimit = Self.assemble([bytes + Self.frame(0x00, []) + Self.frame(0x80, [])], maxFramesPerMessage: 5)
        #expect(overLimit.error?.kind == .tooManyFragments(limit: 5))
        #expect(overLimit.error?.closeCode == .policyViolation)
    }

    @Test("fails fast on invalid UTF-8 in the middle of a frame")
    func failsFastInsideFrame() {
        let payload = Array("κόσμε".utf8) + [0xED, 0xA0, 0x80] + Array("edited".utf8)
        let bytes = Self.frame(0x81, payload)
        // Header (6 bytes) + the valid prefix + the first two bytes of the surrogate.
        let cut = 6 + 10 + 2
        let result = Self.assemble([Array(bytes[..<cut]), Array(bytes[cut...])])
        #expect(result.error?.kind == .invalidUTF8)
        #expect(result.error?.closeCode == .invalidFramePayloadData)
        #expect(result.failedAtChunk == 0)
    }

    @Test("fails fast on invalid UTF-8 in a later fragment before the message ends")
    func failsFastAcrossFragments() {
        let first = Self.frame(0x01, "ok ")
        let second = Self.frame(0x00, [0xF4, 0x90, 0x80, 0x80])
        let result = Self.assemble([first, second, Self.frame(0x80, "never")])
        #expect(result.error?.kind == .invalidUTF8)
        #expect(result.failedAtChunk == 1)
    }

    @Test("accepts a character split across fragments and rejects one cut off at the end")
    func charactersAcrossFragments() {
        let euro: [UInt8] = [0xE2, 0x82, 0xAC]
        let split = Self.assemble([Self.frame(0x01, Array(euro[..<1])) + Self.frame(0x80, Array(euro[1...]))])
        #expect(split.messages == [.text("€")])
        let truncated = Self.assemble([Self.frame(0x01, "a") + Self.frame(0x80, Array(euro[..<2]))])
        #expect(truncated.error?.kind == .invalidUTF8)
    }

    @Test("validates close payloads")
    func validatesClosePayloads() {
        #expect(
            Self.assemble([Self.frame(0x88, [0x03, 0xE8])]).messages == [
                .close(try! WSClosePayload(code: .normalClosure))
            ])
        #expect(Self.assemble([Self.frame(0x88, [0x03])]).error?.kind == .invalidClosePayloadLength)
        #expect(Self.assemble([Self.frame(0x88, [0x03, 0xED])]).error?.kind == .invalidCloseCode(1005))
    }

    @Test("yields the same messages whatever the chunking")
    func chunkingIndependent() {
        let bytes =
            Self.frame(0x01, "fra") + Self.frame(0x89, "p") + Self.frame(0x80, "gment €")
            + Self.frame(0x82, [UInt8](repeating: 5, count: 300)) + Self.frame(0x81, "")
        let expected: [WSMessage] = [
            .ping([0x70]), .text("fragment €"), .binary([UInt8](repeating: 5, count: 300)), .text(""),
        ]
        #expect(Self.assemble([bytes]).messages == expected)
        #expect(Self.assemble(bytes.map { [$0] }).messages == expected)
        for point in 0...bytes.count {
            #expect(Self.assemble([Array(bytes[..<point]), Array(bytes[point...])]).messages == expected)
        }
    }
}
