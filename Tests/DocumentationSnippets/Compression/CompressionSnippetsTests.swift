import Testing
import WebSocketCodec
import WebSocketCompression

@Suite("Compression.md, as written")
struct CompressionSnippetsTests {
    @Test func theServerNegotiatesAndABroadcastReachesEveryReceiver() throws {
        let handshake = WSClientHandshake(
            host: "example.com", extensionOffers: [WSExtensionOffer(name: "permessage-deflate")])
        #expect(try negotiateDeflate(head: handshake.request, limits: WSConfiguration()) != nil)
        var receivers = [Receiver(connection: WSConnection(role: .server))]
        try broadcast(Array(String(repeating: "{\"a\":1}", count: 100).utf8), to: &receivers, deflate: .init())
        #expect(receivers[0].written.count == 1)
    }
}
