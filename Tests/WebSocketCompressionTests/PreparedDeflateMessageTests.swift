import Testing
import WebSocketCodec
import WebSocketCompression

@Suite("Prepared messages")
struct PreparedDeflateMessageTests {
    static let configuration = PermessageDeflateConfiguration()
    static let noContext = PermessageDeflateParameters(serverNoContextTakeover: true)

    @Test("the prepared frame equals what each no-context-takeover connection would send")
    func preparedEqualsPerConnection() throws {
        var compressor = PreparedDeflateCompressor(configuration: Self.configuration)
        for seed in 0..<5 {
            let payload = DeflateFixtures.json(count: 1024, seed: UInt64(seed))
            let prepared = compressor.prepare(opcode: .text, payload: payload)
            var connection = DeflateFixtures.server(Self.noContext, configuration: Self.configuration)
            _ = try connection.sendText(utf8: DeflateFixtures.json(count: 600, seed: 99))  // history is ignored
            #expect(prepared.frame(for: Self.noContext) == (try connection.sendText(utf8: payload)))
            #expect(prepared.bytesSaved > 300)
        }
    }

    @Test("receivers decode the prepared frame after their own messages")
    func receiversDecode() throws {
        var compressor = PreparedDeflateCompressor(configuration: Self.configuration)
        var server = DeflateFixtures.server(Self.noContext, configuration: Self.configuration)
        var client = DeflateFixtures.client(Self.noContext)
        let own = DeflateFixtures.json(count: 2000, seed: 3)
        let shared = DeflateFixtures.json(count: 2000, seed: 4)
        let frame = try #require(compressor.prepare(opcode: .binary, payload: shared).frame(for: Self.noContext))
        let wire = try server.sendBinary(own) + frame + server.sendBinary(own)
        #expect(client.receive(wire).events == [.binary(own), .binary(shared), .binary(own)])
    }

    @Test("the frame chosen depends on what the receiver negotiated")
    func frameSelection() throws {
        var compressor = PreparedDeflateCompressor(configuration: Self.configuration)
        let big = compressor.prepare(opcode: .text, payload: DeflateFixtures.json(count: 1024))
        let small = compressor.prepare(opcode: .text, payload: Array("tiny".utf8))
        let noise = compressor.prepare(opcode: .binary, payload: DeflateFixtures.noise(count: 1024))
        let withContext = PermessageDeflateParameters()
        let smallWindow = PermessageDeflateParameters(serverNoContextTakeover: true, serverMaxWindowBits: 10)

        #expect(big.frame(for: nil) == big.plainFrame)
        #expect(big.frame(for: Self.noContext) == big.compressedFrame)
        #expect(big.compressedFrame?[0] == 0xC1)
        #expect(big.frame(for: withContext) == nil)
        #expect(big.frame(for: smallWindow) == nil)
        #expect(small.compressedFrame == nil)
        #expect(small.frame(for: withContext) == small.plainFrame)
        #expect(small.plainFrame == WSFrameEncoder.serverFrame(opcode: .text, payload: Array("tiny".utf8)))
        #expect(noise.compressedFrame == nil)
        #expect(noise.frame(for: Self.noContext)?[0] == 0x82)
    }
}

@Suite("Prepared payloads")
struct PreparedPayloadTests {
    @Test("a host-framed compressed payload equals the prepared frame's payload")
    func payloadMatchesFrame() throws {
        var compressor = PreparedDeflateCompressor(configuration: PermessageDeflateConfiguration())
        let message = DeflateFixtures.json(count: 4000)
        let compressed = compressor.compressedPayload(message)
        let payload = try #require(compressed)
        let framed =
            WSFrameEncoder.serverHeaderBytes(opcode: .text, payloadLength: payload.count, reservedBits: .rsv1)
            + payload
        #expect(compressor.prepare(opcode: .text, payload: message).compressedFrame == framed)
        let short = compressor.compressedPayload(Array("short".utf8))
        #expect(short == nil)
    }
}
