import Testing
import WebSocketCodec

@testable import WebSocketCompression

@Suite("Decompression limits")
struct DecompressionLimitTests {
    /// 4 MiB of zeros deflated: about 4 KiB on the wire.
    static let bombPayload: [UInt8] = {
        var server = DeflateFixtures.server(maxMessageSize: .max)
        let frame = try! server.sendBinary([UInt8](repeating: 0, count: 4 << 20))
        return Array(frame[4...])  // after the 16-bit length
    }()

    static var bomb: [UInt8] {
        WSFrameEncoder.serverFrame(opcode: .binary, payload: bombPayload, reservedBits: .rsv1)
    }

    @Test("a small frame that inflates past the limit closes with 1009")
    func bombClosesWith1009() {
        var client = DeflateFixtures.client(maxMessageSize: 1 << 20)
        #expect(Self.bombPayload.count < 8 << 10)
        let result = client.receive(Self.bomb)
        #expect(result.events == [.protocolError(WSProtocolError(.messageTooLarge(limit: 1 << 20)))])
        #expect(DeflateFixtures.closeCode(inClientOutput: result.output) == 1009)
        #expect(result.shouldCloseTransport)
    }

    @Test("inflating stops one byte past the limit, before the output is allocated")
    func inflaterStopsAtLimit() throws {
        let payload = Self.bombPayload
        let inflater = ZlibInflater(windowBits: 15)
        var output: [UInt8] = []
        #expect(throws: ZlibInflater.Failure.tooLarge) {
            try inflater.inflate(payload, limit: 100_000, appendingTo: &output)
        }
        #expect(output.count == 100_001)
        #expect(output.capacity < 2 * 100_001)
    }

    @Test("a message exactly at the limit is accepted", arguments: [1000, 4096, 65_536])
    func exactLimitAccepted(limit: Int) throws {
        var server = DeflateFixtures.server()
        let payload = DeflateFixtures.json(count: limit)
        let frame = try server.sendBinary(payload)
        var atLimit = DeflateFixtures.client(maxMessageSize: limit)
        #expect(atLimit.receive(frame).events == [.binary(payload)])
        var underLimit = DeflateFixtures.client(maxMessageSize: limit - 1)
        #expect(
            underLimit.receive(frame).events == [.protocolError(WSProtocolError(.messageTooLarge(limit: limit - 1)))])
    }

    @Test("a message of thousands of final blocks is refused")
    func manyFinalBlocksRefused() {
        // Each "03 00" is an empty fixed-Huffman block with BFINAL set.
        let payload: [UInt8] = Array(repeating: [0x03, 0x00], count: 100).flatMap { $0 }
        var client = DeflateFixtures.client()
        let frame = WSFrameEncoder.serverFrame(opcode: .binary, payload: payload, reservedBits: .rsv1)
        guard case .protocolError(let error) = client.receive(frame).events.first else {
            Issue.record("expected a protocol error")
            return
        }
        #expect(error.closeCode == WSCloseCode.invalidFramePayloadData)
    }
}
