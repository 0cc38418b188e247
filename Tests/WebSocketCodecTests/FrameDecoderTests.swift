import Testing
import WebSocketCodec

@Suite("Frame decoder")
struct FrameDecoderTests {
    // MARK: RFC 6455 §5.7 examples

    @Test("decodes the RFC single-frame unmasked text message")
    func decodesRFCUnmaskedText() throws {
        var decoder = WSFrameDecoder(role: .client)
        let steps = try decoder.steps(from: [0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])
        #expect(
            steps == [
                .header(WSFrameHeader(fin: true, opcode: .text, payloadLength: 5)),
                .payload(CodecFixtures.hello),
                .frameEnd,
            ]
        )
    }

    @Test("decodes the RFC single-frame masked text message")
    func decodesRFCMaskedText() throws {
        let bytes: [UInt8] = [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
        let frames = try CodecFixtures.readFrames([bytes], role: .server).get()
        #expect(
            frames == [WSFrame(opcode: .text, maskingKey: CodecFixtures.rfcKey, payload: CodecFixtures.hello)])
    }

    @Test("decodes the RFC fragmented unmasked text message")
    func decodesRFCFragmentedText() throws {
        let bytes: [UInt8] = [0x01, 0x03, 0x48, 0x65, 0x6C, 0x80, 0x02, 0x6C, 0x6F]
        let frames = try CodecFixtures.readFrames([bytes], role: .client).get()
        #expect(
            frames == [
                WSFrame(fin: false, opcode: .text, payload: Array("Hel".utf8)),
                WSFrame(fin: true, opcode: .continuation, payload: Array("lo".utf8)),
            ]
        )
    }

    @Test("decodes the RFC unmasked ping and masked pong")
    func decodesRFCPingAndPong() throws {
        let ping: [UInt8] = [0x89, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F]
        #expect(
            try CodecFixtures.readFrames([ping], role: .client).get() == [
                WSFrame(opcode: .ping, payload: CodecFixtures.hello)
            ])
        let pong: [UInt8] = [0x8A, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
        #expect(
            try CodecFixtures.readFrames([pong], role: .server).get() == [
                WSFrame(opcode: .pong, maskingKey: CodecFixtures.rfcKey, payload: CodecFixtures.hello)
            ]
        )
    }

    @Test("decodes the RFC 256-byte binary header 82 7E 01 00")
    func decodesRFC16BitLength() throws {
        let payload = (0..<256).map { UInt8($0) }
        var decoder = WSFrameDecoder(role: .client)
        let steps = try decoder.steps(from: [0x82, 0x7E, 0x01, 0x00] + payload)
        #expect(
            steps == [.header(WSFrameHeader(opcode: .binary, payloadLength: 256)), .payload(payload), .frameEnd])
    }

    @Test("decodes the RFC 64 KiB binary header 82 7F 00 00 00 00 00 01 00 00")
    func decodesRFC64BitLength() throws {
        let payload = (0..<65536).map { UInt8(truncatingIfNeeded: $0) }
        let header: [UInt8] = [0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00]
        let frames = try CodecFixtures.readFrames([header + payload], role: .client).get()
        #expect(frames == [WSFrame(opcode: .binary, payload: payload)])
    }

    // MARK: Rejections

    struct Rejection: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let role: WSRole
        let kind: WSProtocolError.Kind
        let code: WSCloseCode
        var maxFrameSize = WSFrameDecoder.defaultMaxFrameSize
        var testDescription: String { name }
    }

    static let rejections: [Rejection] = [
        Rejection(
            name: "unmasked frame from a client",
            bytes: [0x81, 0x05],
            role: .server,
            kind: .unmaskedFrameFromClient,
            code: .protocolError
        ),
        Rejection(
            name: "masked frame from a server",
            bytes: [0x81, 0x85],
            role: .client,
            kind: .maskedFrameFromServer,
            code: .protocolError
        ),
        Rejection(
            name: "RSV1 unclaimed", bytes: [0xC1], role: .client, kind: .reservedBitsSet(.rsv1), code: .protocolError),
        Rejection(
            name: "RSV2 unclaimed", bytes: [0xA2], role: .client, kind: .reservedBitsSet(.rsv2), code: .protocolError),
        Rejection(
            name: "RSV3 unclaimed", bytes: [0x91], role: .client, kind: .reservedBitsSet(.rsv3), code: .protocolError),
        Rejection(
            name: "all RSV bits unclaimed",
            bytes: [0xF1],
            role: .client,
            kind: .reservedBitsSet([.rsv1, .rsv2, .rsv3]),
            code: .protocolError
        ),
        Rejection(
            name: "fragmented ping", bytes: [0x09], role: .client, kind: .fragmentedControlFrame, code: .protocolError),
        Rejection(
            name: "fragmented close", bytes: [0x08], role: .client, kind: .fragmentedControlFrame, code: .protocolError),
        Rejection(
            name: "ping with 16-bit length",
            bytes: [0x89, 0x7E],
            role: .client,
            kind: .controlFrameTooLong,
            code: .protocolError
        ),
        Rejection(
            name: "close with 64-bit length",
            bytes: [0x88, 0x7F],
            role: .client,
            kind: .controlFrameTooLong,
            code: .protocolError
        ),
        Rejection(
            name: "16-bit length for 125 bytes",
            bytes: [0x82, 0x7E, 0x00, 0x7D],
            role: .client,
            kind: .nonMinimalLength,
            code: .protocolError
        ),
        Rejection(
            name: "16-bit length for 0 bytes",
            bytes: [0x82, 0x7E, 0x00, 0x00],
            role: .client,
            kind: .nonMinimalLength,
            code: .protocolError
        ),
        Rejection(
            name: "64-bit length for 65535 bytes",
            bytes: [0x82, 0x7F, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF],
            role: .client,
            kind: .nonMinimalLength,
            code: .protocolError
        ),
        Rejection(
            name: "64-bit length with the top bit set",
            bytes: [0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0],
            role: .client,
            kind: .lengthTopBitSet,
            code: .protocolError
        ),
        Rejection(
            name: "7-bit length over the frame limit",
            bytes: [0x82, 0x65],
            role: .client,
            kind: .frameTooLarge(limit: 100),
            code: .messageTooBig,
            maxFrameSize: 100
        ),
        Rejection(
            name: "16-bit length over the frame limit",
            bytes: [0x82, 0x7E, 0x10, 0x00],
            role: .client,
            kind: .frameTooLarge(limit: 4095),
            code: .messageTooBig,
            maxFrameSize: 4095
        ),
        Rejection(
            name: "64-bit length of 2^62 over the frame limit",
            bytes: [0x82, 0x7F, 0x40, 0, 0, 0, 0, 0, 0, 0],
            role: .client,
            kind: .frameTooLarge(limit: WSFrameDecoder.defaultMaxFrameSize),
            code: .messageTooBig
        ),
    ]

    @Test("rejects from the header bytes alone, before any payload", arguments: rejections)
    func rejectsFromHeader(_ rejection: Rejection) {
        let error = CodecFixtures.decodeError(
            rejection.bytes, role: rejection.role, maxFrameSize: rejection.maxFrameSize)
        #expect(error?.kind == rejection.kind)
        #expect(error?.closeCode == rejection.code)
    }

    @Test(
        "rejects every reserved opcode from the first byte",
        arguments: [3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF] as [UInt8])
    func rejectsReservedOpcode(_ opcode: UInt8) {
        let error = CodecFixtures.decodeError([0x80 | opcode], role: .client)
        #expect(error?.kind == .reservedOpcode(opcode))
        #expect(error?.closeCode == .protocolError)
    }

    @Test("accepts RSV bits claimed by an extension and reports them in the header")
    func acceptsClaimedReservedBits() throws {
        var decoder = WSFrameDecoder(role: .client, allowedReservedBits: .rsv1)
        let steps = try decoder.steps(from: [0xC1, 0x00])
        #expect(
            steps == [.header(WSFrameHeader(reservedBits: .rsv1, opcode: .text, payloadLength: 0)), .frameEnd])
        #expect(
            CodecFixtures.decodeError([0xE1, 0x00], role: .client, allowedReservedBits: .rsv1)?.kind
                == .reservedBitsSet(.rsv2))
    }

    @Test("accepts a control frame of exactly 125 bytes and a frame of exactly the limit")
    func acceptsBoundaryLengths() throws {
        let ping = CodecFixtures.rawFrame(0x89, payload: [UInt8](repeating: 7, count: 125))
        #expect(try CodecFixtures.readFrames([ping], role: .client).get().first?.payload.count == 125)
        let frame = CodecFixtures.rawFrame(0x82, payload: [UInt8](repeating: 1, count: 300))
        #expect(try CodecFixtures.readFrames([frame], role: .client, maxFrameSize: 300).get().count == 1)
        #expect(CodecFixtures.decodeError(frame, role: .client, maxFrameSize: 299)?.kind == .frameTooLarge(limit: 299))
    }

    @Test("stays failed after an error and rethrows it")
    func failureIsSticky() {
        var decoder = WSFrameDecoder(role: .server)
        #expect(throws: WSProtocolError(.unmaskedFrameFromClient)) { try decoder.steps(from: [0x81, 0x00]) }
        #expect(throws: WSProtocolError(.unmaskedFrameFromClient)) {
            try decoder.steps(from: [0x81, 0x80, 0, 0, 0, 0])
        }
    }

    // MARK: Streaming

    @Test("hands out payload chunks as they arrive, before the frame is complete")
    func streamsPayloadBeforeFrameCompletes() throws {
        let payload = Array("Hello, world".utf8)
        let bytes = CodecFixtures.rawFrame(0x81, payload: payload, key: CodecFixtures.rfcKey)
        var decoder = WSFrameDecoder(role: .server)
        let first = try decoder.steps(from: bytes[..<9])
        #expect(
            first == [
                .header(WSFrameHeader(opcode: .text, maskingKey: CodecFixtures.rfcKey, payloadLength: 12)),
                .payload(Array("Hel".utf8)),
            ]
        )
        #expect(!decoder.isAtFrameBoundary)
        let second = try decoder.steps(from: bytes[9...])
        #expect(second == [.payload(Array("lo, world".utf8)), .frameEnd])
        #expect(decoder.isAtFrameBoundary)
    }

    @Test("keeps a header split byte by byte and reports it only when complete")
    func keepsPartialHeader() throws {
        let bytes = CodecFixtures.rawFrame(
            0x82, payload: [UInt8](repeating: 9, count: 70_000), key: CodecFixtures.rfcKey)
        var decoder = WSFrameDecoder(role: .server)
        for index in 0..<13 {
            #expect(try decoder.steps(from: [bytes[index]]) == [])
        }
        let steps = try decoder.steps(from: [bytes[13]])
        #expect(
            steps == [
                .header(WSFrameHeader(opcode: .binary, maskingKey: CodecFixtures.rfcKey, payloadLength: 70_000))
            ])
    }

    @Test("borrowed chunks point into the input and unmask into a destination")
    func chunksPointIntoInput() throws {
        let bytes: [UInt8] = [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
        var decoder = WSFrameDecoder(role: .server)
        try bytes.withUnsafeBytes { buffer in
            var input = buffer
            guard case .header = try decoder.next(from: &input) else {
                Issue.record("no header")
                return
            }
            let step = try decoder.next(from: &input)
            guard case .payload(let chunk) = step else {
                Issue.record("no payload")
                return
            }
            #expect(chunk.wireBytes.baseAddress == buffer.baseAddress! + 6)
            #expect(chunk.count == 5 && chunk.offsetInPayload == 0)
            var destination = [UInt8](repeating: 0, count: 5)
            destination.withUnsafeMutableBytes { chunk.copyUnmasked(into: $0) }
            #expect(destination == CodecFixtures.hello)
            #expect(try decoder.next(from: &input) == .frameEnd)
            #expect(try decoder.next(from: &input) == .needMoreData)
            #expect(input.isEmpty)
        }
    }

    static func sampleStream(role: WSRole) -> (bytes: [UInt8], frames: [WSFrame]) {
        var generator = SeededGenerator(seed: 7)
        let specs: [(UInt8, Int)] = [(0x81, 0), (0x01, 5), (0x89, 125), (0x80, 126), (0x82, 300), (0x8A, 0), (0x88, 2)]
        var bytes: [UInt8] = []
        var frames: [WSFrame] = []
        for (first, length) in specs {
            let payload = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let key = role == .server ? WSMaskingKey.random(using: &generator) : nil
            bytes += CodecFixtures.rawFrame(first, payload: payload, key: key)
            frames.append(
                WSFrame(
                    fin: first & 0x80 != 0,
                    opcode: WSOpcode(rawValue: first & 0x0F)!,
                    maskingKey: key,
                    payload: payload
                )
            )
        }
        return (bytes, frames)
    }

    @Test("every single split point yields the same frames", arguments: [WSRole.server, .client])
    func everySplitPointYieldsSameFrames(role: WSRole) throws {
        let (bytes, frames) = Self.sampleStream(role: role)
        for point in 0...bytes.count {
            let chunks = [Array(bytes[..<point]), Array(bytes[point...])]
            #expect(try CodecFixtures.readFrames(chunks, role: role).get() == frames, "split at \(point)")
        }
    }

    @Test("byte-at-a-time feeding yields the same frames", arguments: [WSRole.server, .client])
    func byteAtATimeYieldsSameFrames(role: WSRole) throws {
        let (bytes, frames) = Self.sampleStream(role: role)
        #expect(try CodecFixtures.readFrames(bytes.map { [$0] }, role: role).get() == frames)
    }

    @Test("seeded random chunkings yield the same frames and the same payload bytes", arguments: [1, 2, 3] as [UInt64])
    func randomChunkingsYieldSameFrames(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        let (small, smallFrames) = Self.sampleStream(role: .server)
        let big = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 * 13) }
        let bytes = small + CodecFixtures.rawFrame(0x82, payload: big, key: CodecFixtures.rfcKey)
        let frames = smallFrames + [WSFrame(opcode: .binary, maskingKey: CodecFixtures.rfcKey, payload: big)]
        for _ in 0..<30 {
            let points = CodecFixtures.randomSplitPoints(count: bytes.count, using: &generator)
            #expect(try CodecFixtures.readFrames(CodecFixtures.split(bytes, at: points), role: .server).get() == frames)
        }
    }

    @Test("an error is found at the same byte whatever the chunking")
    func errorsAreChunkingIndependent() {
        let (valid, _) = Self.sampleStream(role: .server)
        let bytes = valid + [0x83, 0x80, 1, 2, 3, 4]
        for point in 0...bytes.count {
            let chunks = [Array(bytes[..<point]), Array(bytes[point...])]
            #expect(throws: WSProtocolError(.reservedOpcode(3))) {
                try CodecFixtures.readFrames(chunks, role: .server).get()
            }
        }
    }

    // MARK: Frame reader

    @Test("the reader's callback sees each frame's unmasked payload, pointing into the input when unmasked")
    func readerCallbackBorrowsPayload() throws {
        let bytes: [UInt8] = [0x89, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F, 0x82, 0x00]
        var reader = WSFrameReader(role: .client)
        var seen: [(WSOpcode, [UInt8], Bool)] = []
        try bytes.withUnsafeBytes { input in
            try reader.read(input) { header, payload in
                let inInput =
                    payload.count == 0
                    || (payload.baseAddress! >= input.baseAddress!
                        && payload.baseAddress! < input.baseAddress! + input.count)
                seen.append((header.opcode, Array(payload), inInput))
            }
        }
        #expect(seen.map(\.0) == [.ping, .binary])
        #expect(seen.map(\.1) == [CodecFixtures.hello, []])
        #expect(seen[0].2)
    }

    @Test("the reader gathers a masked frame split across calls")
    func readerGathersSplitFrame() throws {
        let bytes: [UInt8] = [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
        var reader = WSFrameReader(role: .server)
        #expect(try reader.frames(from: bytes[..<8]) == [])
        #expect(
            try reader.frames(from: bytes[8...]) == [
                WSFrame(opcode: .text, maskingKey: CodecFixtures.rfcKey, payload: CodecFixtures.hello)
            ]
        )
    }
}
