import Testing
import WebSocketCodec

@Suite("Frame encoder")
struct FrameEncoderTests {
    let server = WSFrameEncoder(role: .server)
    let client = WSFrameEncoder(role: .client)

    // MARK: RFC 6455 §5.7 examples

    @Test("encodes the RFC single-frame unmasked text message")
    func encodesRFCUnmaskedText() {
        #expect(
            server.encode(opcode: .text, payload: CodecFixtures.hello) == [0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])
    }

    @Test("encodes the RFC single-frame masked text message")
    func encodesRFCMaskedText() {
        let bytes = client.encode(opcode: .text, payload: CodecFixtures.hello, maskingKey: CodecFixtures.rfcKey)
        #expect(bytes == [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58])
    }

    @Test("encodes the RFC fragmented unmasked text message")
    func encodesRFCFragmentedText() {
        let first = server.encode(opcode: .text, payload: Array("Hel".utf8), fin: false)
        let second = server.encode(opcode: .continuation, payload: Array("lo".utf8))
        #expect(first + second == [0x01, 0x03, 0x48, 0x65, 0x6C, 0x80, 0x02, 0x6C, 0x6F])
    }

    @Test("encodes the RFC unmasked ping and masked pong")
    func encodesRFCPingAndPong() {
        #expect(
            server.encode(opcode: .ping, payload: CodecFixtures.hello) == [0x89, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])
        #expect(
            client.encode(opcode: .pong, payload: CodecFixtures.hello, maskingKey: CodecFixtures.rfcKey)
                == [0x8A, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
        )
    }

    @Test("encodes the RFC 256-byte and 64 KiB binary headers")
    func encodesRFCLongHeaders() {
        let short = (0..<256).map { UInt8($0) }
        let bytes = server.encode(opcode: .binary, payload: short)
        #expect(Array(bytes[..<4]) == [0x82, 0x7E, 0x01, 0x00])
        #expect(Array(bytes[4...]) == short)
        let long = [UInt8](repeating: 0xAB, count: 65536)
        let longBytes = server.encode(opcode: .binary, payload: long)
        #expect(Array(longBytes[..<10]) == [0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00])
        #expect(longBytes.count == 10 + 65536)
    }

    // MARK: Headers

    @Test(
        "writes the minimal length encoding at every boundary",
        arguments: [
            (0, [0x82, 0x00]), (125, [0x82, 0x7D]), (126, [0x82, 0x7E, 0x00, 0x7E]),
            (65535, [0x82, 0x7E, 0xFF, 0xFF]), (65536, [0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0]),
        ] as [(Int, [UInt8])]
    )
    func writesMinimalLengths(length: Int, expected: [UInt8]) {
        #expect(WSFrameEncoder.serverHeaderBytes(opcode: .binary, payloadLength: length) == expected)
        #expect(WSFrameHeader.encodedLength(payloadLength: length, masked: false) == expected.count)
        #expect(WSFrameHeader.encodedLength(payloadLength: length, masked: true) == expected.count + 4)
    }

    @Test("writes FIN, RSV bits, opcode and key into the header")
    func writesHeaderFields() {
        let header = WSFrameHeader(
            fin: false,
            reservedBits: [.rsv1, .rsv3],
            opcode: .binary,
            maskingKey: CodecFixtures.rfcKey,
            payloadLength: 3
        )
        #expect(header.bytes == [0x52, 0x83, 0x37, 0xFA, 0x21, 0x3D])
        var output: [UInt8] = [0xFF]
        header.append(to: &output)
        #expect(output == [0xFF, 0x52, 0x83, 0x37, 0xFA, 0x21, 0x3D])
    }

    @Test("a header and a shared payload written separately equal the whole frame")
    func headerPlusSharedPayloadEqualsFrame() {
        let payload = [UInt8](repeating: 0x42, count: 1000)
        let header = WSFrameEncoder.serverHeaderBytes(opcode: .text, payloadLength: payload.count)
        #expect(header + payload == WSFrameEncoder.serverFrame(opcode: .text, payload: payload))
    }

    // MARK: Client masking

    @Test("the client role masks with a fresh random key per frame")
    func clientUsesRandomKeys() throws {
        let first = client.encode(opcode: .binary, payload: [UInt8](repeating: 0, count: 16))
        let second = client.encode(opcode: .binary, payload: [UInt8](repeating: 0, count: 16))
        #expect(first[1] == 0x90)
        #expect(first[2..<6] != second[2..<6])  // 2^-32 chance of a false failure
        // Masking zeros exposes the key: the payload is the key repeated.
        #expect(Array(first[6..<10]) == Array(first[2..<6]))
        let frames = try CodecFixtures.readFrames([first], role: .server).get()
        #expect(frames.first?.payload == [UInt8](repeating: 0, count: 16))
    }

    @Test("the server role never masks, even when given a key")
    func serverIgnoresKey() {
        let bytes = server.encode(opcode: .text, payload: CodecFixtures.hello, maskingKey: CodecFixtures.rfcKey)
        #expect(bytes == [0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F])
    }

    @Test("appending frames to a buffer equals encoding them one by one", arguments: [WSRole.server, .client])
    func appendEqualsEncode(role: WSRole) {
        let encoder = WSFrameEncoder(role: role)
        let key = WSMaskingKey(1, 2, 3, 4)
        let payloads: [[UInt8]] = [[], CodecFixtures.hello, [UInt8](repeating: 9, count: 200)]
        var output: [UInt8] = []
        var expected: [UInt8] = []
        for payload in payloads {
            encoder.append(opcode: .binary, payload: payload, maskingKey: key, to: &output)
            expected += encoder.encode(opcode: .binary, payload: payload, maskingKey: key)
        }
        #expect(output == expected)
    }

    // MARK: Property: encode then decode

    @Test("random frames encode and decode back to the same frame", arguments: [WSRole.server, .client])
    func randomFramesRoundTrip(role: WSRole) throws {
        var generator = SeededGenerator(seed: role == .server ? 11 : 12)
        let encoder = WSFrameEncoder(role: role)
        let peer: WSRole = role == .server ? .client : .server
        let opcodes: [WSOpcode] = [.continuation, .text, .binary, .close, .ping, .pong]
        var stream: [UInt8] = []
        var expected: [WSFrame] = []
        for _ in 0..<200 {
            let opcode = opcodes.randomElement(using: &generator)!
            let lengthClass = Int.random(in: 0..<10, using: &generator)
            let length =
                opcode.isControl
                ? Int.random(in: 0...125, using: &generator)
                : lengthClass < 6
                    ? Int.random(in: 0...125, using: &generator)
                    : lengthClass < 9
                        ? Int.random(in: 126...70_000, using: &generator)
                        : Int.random(in: 65_536...200_000, using: &generator)
            let payload = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let frame = WSFrame(
                fin: opcode.isControl || Bool.random(using: &generator),
                reservedBits: WSReservedBits(rawValue: UInt8.random(in: 0...255, using: &generator)),
                opcode: opcode,
                maskingKey: role == .client ? WSMaskingKey.random(using: &generator) : nil,
                payload: payload
            )
            let bytes = encoder.encode(frame)
            stream += bytes
            expected.append(frame)
            let decoded = try CodecFixtures.readFrames([bytes], role: peer, allowedReservedBits: [.rsv1, .rsv2, .rsv3])
                .get()
            #expect(decoded == [frame])
        }
        let points = CodecFixtures.randomSplitPoints(count: stream.count, using: &generator)
        let chunks = CodecFixtures.split(stream, at: points)
        #expect(
            try CodecFixtures.readFrames(chunks, role: peer, allowedReservedBits: [.rsv1, .rsv2, .rsv3]).get()
                == expected)
    }
}
