import Testing
import WebSocketCodec
import WebSocketCompression

@Suite("Compressed messages")
struct MessageTests {
    @Test("control frames are never compressed")
    func controlFramesStayPlain() throws {
        var server = DeflateFixtures.server()
        #expect(try server.sendPing([1, 2, 3]) == [0x89, 0x03, 1, 2, 3])
        #expect(try server.sendPong([4]) == [0x8A, 0x01, 4])
        #expect(try server.sendClose(code: .normalClosure) == [0x88, 0x02, 0x03, 0xE8])
    }

    @Test("messages below the minimum size go out uncompressed")
    func shortMessagesStayPlain() throws {
        var server = WSConnection(
            role: .server,
            extensions: [
                PermessageDeflate(
                    role: .server, parameters: PermessageDeflateParameters(),
                    configuration: PermessageDeflateConfiguration())
            ]
        )
        let short = String(repeating: "a", count: 255)
        #expect(try server.sendText(short)[0] == 0x81)
        let long = String(repeating: "a", count: 256)
        #expect(try server.sendText(long)[0] == 0xC1)
    }

    @Test("RSV1 on a continuation frame fails the connection")
    func rsv1OnContinuationFails() {
        var client = DeflateFixtures.client()
        let wire: [UInt8] = [0x41, 0x03, 0xF2, 0x48, 0xCD] + [0xC0, 0x04, 0xC9, 0xC9, 0x07, 0x00]
        let result = client.receive(wire)
        #expect(result.events == [.protocolError(WSProtocolError(.reservedBitsSet(.rsv1)))])
        #expect(DeflateFixtures.closeCode(inClientOutput: result.output) == 1002)
    }

    @Test("RSV1 on a control frame fails the connection")
    func rsv1OnControlFails() {
        var client = DeflateFixtures.client()
        #expect(client.receive([0xC9, 0x00]).events == [.protocolError(WSProtocolError(.reservedBitsSet(.rsv1)))])
    }

    @Test("a message without RSV1 passes through untouched")
    func uncompressedMessagePasses() {
        var client = DeflateFixtures.client()
        #expect(client.receive([0x81, 0x02, 0x68, 0x69]).events == [.text("hi")])
    }

    @Test("data that is not DEFLATE fails the connection with 1007")
    func invalidDataFails() {
        var client = DeflateFixtures.client()
        let result = client.receive([0xC2, 0x03, 0xFF, 0xFF, 0xFF])
        guard case .protocolError(let error) = result.events.first else {
            Issue.record("expected a protocol error, got \(result.events)")
            return
        }
        #expect(error.closeCode == .invalidFramePayloadData)
        #expect(result.shouldCloseTransport)
    }

    @Test("text is validated as UTF-8 after inflating")
    func invalidUTF8AfterInflating() throws {
        var server = DeflateFixtures.server()
        let compressed = try server.sendBinary([0xC3, 0x28, 0x41])  // RSV1 binary; resend as text
        var client = DeflateFixtures.client()
        let asText = [0xC1] + compressed.dropFirst()
        #expect(client.receive(Array(asText)).events == [.protocolError(WSProtocolError(.invalidUTF8))])
    }

    @Test(
        "messages round-trip in both directions",
        arguments: [
            PermessageDeflateParameters(),
            PermessageDeflateParameters(serverNoContextTakeover: true, clientNoContextTakeover: true),
            PermessageDeflateParameters(serverMaxWindowBits: 8, clientMaxWindowBits: .value(8)),
            PermessageDeflateParameters(serverMaxWindowBits: 9, clientMaxWindowBits: .value(11)),
            PermessageDeflateParameters(
                serverNoContextTakeover: true, serverMaxWindowBits: 10, clientMaxWindowBits: .value(8)),
        ]
    )
    func roundTrips(parameters: PermessageDeflateParameters) throws {
        var server = DeflateFixtures.server(parameters, maxMessageSize: 1 << 22)
        var client = DeflateFixtures.client(parameters, maxMessageSize: 1 << 22)
        var generator = SplitMix(seed: 7)
        for round in 0..<24 {
            let count = [0, 1, 5, 100, 1000, 5000, 70_000].randomElement(using: &generator)!
            let payload =
                round % 3 == 0
                ? DeflateFixtures.noise(count: count, seed: UInt64(round))
                : DeflateFixtures.json(count: count, seed: UInt64(round))
            #expect(server.receive(try client.sendBinary(payload)).events == [.binary(payload)])
            #expect(client.receive(try server.sendBinary(payload)).events == [.binary(payload)])
        }
    }

    @Test("a copied connection compresses independently of the original")
    func copiesAreIndependent() throws {
        var original = DeflateFixtures.server()
        _ = try original.sendText("Hello")
        var copy = original
        let fromOriginal = try original.sendText("Hello")
        let fromCopy = try copy.sendText("Hello")
        #expect(fromOriginal == fromCopy)
        #expect(fromOriginal == [0xC1, 0x05, 0xF2, 0x00, 0x11, 0x00, 0x00])
        // The copy now refers back twice; the original once more. Both still decode.
        var clientA = DeflateFixtures.client()
        var clientB = DeflateFixtures.client()
        let first = RFC7692ExampleTests.helloFrame
        #expect(clientA.receive(first + fromOriginal + (try original.sendText("Hi there"))).events.count == 3)
        #expect(clientB.receive(first + fromCopy + (try copy.sendText("Hi there"))).events.count == 3)
    }
}
