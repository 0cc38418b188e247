import Testing
import WebSocketCodec
import WebSocketCompression

/// The examples of RFC 7692 §7.2.3, byte for byte, as frames from a server to a client.
@Suite("RFC 7692 §7.2.3 examples")
struct RFC7692ExampleTests {
    /// §7.2.3.1: "Hello" in one compressed frame.
    static let helloFrame: [UInt8] = [0xC1, 0x07, 0xF2, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00]

    @Test("a compressed message decodes (7.2.3.1)")
    func decodesCompressedHello() {
        var client = DeflateFixtures.client()
        #expect(client.receive(Self.helloFrame).events == [.text("Hello")])
    }

    @Test("a fragmented compressed message decodes, RSV1 on the first frame only (7.2.3.1)")
    func decodesFragmentedHello() {
        var client = DeflateFixtures.client()
        let wire: [UInt8] = [0x41, 0x03, 0xF2, 0x48, 0xCD] + [0x80, 0x04, 0xC9, 0xC9, 0x07, 0x00]
        #expect(client.receive(wire).events == [.text("Hello")])
    }

    @Test("a message may refer to the previous one with context takeover (7.2.3.2)")
    func decodesSharedWindow() {
        var client = DeflateFixtures.client()
        let second: [UInt8] = [0xC1, 0x05, 0xF2, 0x00, 0x11, 0x00, 0x00]
        #expect(client.receive(Self.helloFrame + second).events == [.text("Hello"), .text("Hello")])
    }

    @Test("a stored block decodes (7.2.3.3)")
    func decodesStoredBlock() {
        var client = DeflateFixtures.client()
        let wire: [UInt8] = [0xC1, 0x0B, 0x00, 0x05, 0x00, 0xFA, 0xFF, 0x48, 0x65, 0x6C, 0x6C, 0x6F, 0x00]
        #expect(client.receive(wire).events == [.text("Hello")])
    }

    @Test("a block with BFINAL set decodes, and the window survives it (7.2.3.4)")
    func decodesFinalBlock() {
        var client = DeflateFixtures.client()
        let wire: [UInt8] = [0xC1, 0x08, 0xF3, 0x48, 0xCD, 0xC9, 0xC9, 0x07, 0x00, 0x00]
        let second: [UInt8] = [0xC1, 0x05, 0xF2, 0x00, 0x11, 0x00, 0x00]
        #expect(client.receive(wire + second).events == [.text("Hello"), .text("Hello")])
    }

    @Test("two DEFLATE blocks in one message decode (7.2.3.5)")
    func decodesTwoBlocks() {
        var client = DeflateFixtures.client()
        let wire: [UInt8] = [
            0xC1, 0x0D, 0xF2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xCA, 0xC9, 0xC9, 0x07, 0x00,
        ]
        #expect(client.receive(wire).events == [.text("Hello")])
    }

    @Test("the server compresses Hello to the RFC's bytes, then refers back with context takeover")
    func encodesHelloWithContextTakeover() throws {
        var server = DeflateFixtures.server()
        #expect(try server.sendText("Hello") == Self.helloFrame)
        #expect(try server.sendText("Hello") == [0xC1, 0x05, 0xF2, 0x00, 0x11, 0x00, 0x00])
    }

    @Test("without context takeover every message compresses alone")
    func encodesWithoutContextTakeover() throws {
        var server = DeflateFixtures.server(PermessageDeflateParameters(serverNoContextTakeover: true))
        let text = String(repeating: "Hello, world. ", count: 20)
        let first = try server.sendText(text)
        #expect(first[0] == 0xC1)
        #expect(try server.sendText(text) == first)
        // Five bytes do not shrink; without context takeover the original goes out instead.
        #expect(try server.sendText("Hello") == [0x81, 0x05] + DeflateFixtures.hello)
    }

    @Test("an empty message is sent as a single 0x00 (7.2.3.6) and decodes")
    func emptyMessage() throws {
        var server = DeflateFixtures.server()
        _ = try server.sendText("Hello")
        #expect(try server.sendBinary([]) == [0xC2, 0x01, 0x00])
        var client = DeflateFixtures.client()
        let wire = RFC7692ExampleTests.helloFrame + [0xC2, 0x01, 0x00] + [0xC1, 0x05, 0xF2, 0x00, 0x11, 0x00, 0x00]
        #expect(client.receive(wire).events == [.text("Hello"), .binary([]), .text("Hello")])
    }

    @Test("the examples decode whatever the read boundaries", arguments: 0..<24)
    func decodesSplitFeeds(seed: Int) {
        let wire: [UInt8] =
            [0x41, 0x03, 0xF2, 0x48, 0xCD] + [0x89, 0x01, 0x2A] + [0x80, 0x04, 0xC9, 0xC9, 0x07, 0x00]
            + [0xC1, 0x05, 0xF2, 0x00, 0x11, 0x00, 0x00]
        var generator = SplitMix(seed: UInt64(seed))
        var client = DeflateFixtures.client()
        var events: [WSEvent] = []
        var start = 0
        while start < wire.count {
            let end = min(wire.count, start + Int.random(in: 1...4, using: &generator))
            events += client.receive(Array(wire[start..<end])).events
            start = end
        }
        #expect(events == [.ping([0x2A]), .text("Hello"), .text("Hello")])
    }
}
