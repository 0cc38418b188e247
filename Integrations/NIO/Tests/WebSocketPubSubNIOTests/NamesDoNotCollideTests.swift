import Foundation
import NIOCore
import NIOHTTP1
import NIOWebSocket
import Testing
import WebSocketCodec
import WebSocketPubSub

/// Compiles only while none of our public names collides with NIOCore's, NIOHTTP1's or
/// NIOWebSocket's: every type below is used unqualified, ours beside theirs.
@Suite("Names beside NIOCore, NIOHTTP1 and NIOWebSocket")
struct NamesDoNotCollideTests {
    @Test func ourTypesAndNIOsAreUsableUnqualifiedInOneFile() throws {
        let ours: HTTP1Headers = ["Host": "example.com"]
        let theirs = HTTPHeaders([("Host", "example.com")])
        #expect(ours["host"] == theirs.first(name: "host"))

        let head = HTTP1RequestHead(method: "GET", target: "/", headers: ours)
        let nioHead = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/")
        #expect(head.target == nioHead.uri)

        let ourFrame = WSFrameEncoder.serverHeaderBytes(opcode: WSOpcode.text, payloadLength: 2)
        let theirFrame = WebSocketFrame(fin: true, opcode: WebSocketOpcode.text, data: ByteBuffer(string: "hi"))
        #expect(ourFrame == [0x81, 0x02])
        #expect(theirFrame.opcode == .text)
        #expect(WSMaskingKey([1, 2, 3, 4]) == WSMaskingKey(1, 2, 3, 4))
        #expect(WebSocketMaskingKey([1, 2, 3, 4]) != nil)

        var router = MessageRouter()
        router.on("ping") { _ in OutboundMessage(text: #"{"pong":true}"#) }
        let gateway = PubSubGateway(
            router: router, connections: InMemoryConnectionStore(), subscriptions: InMemorySubscriptionStore())
        let connection = Connection(id: ConnectionID("c1"), connectedAt: .now)
        #expect(gateway.router.hasRoute("ping"))
        #expect(connection.id == ConnectionID("c1"))
        #expect(HTTP1Status(code: 426, reasonPhrase: "Upgrade Required").code == 426)
        #expect(HTTPResponseStatus.upgradeRequired.code == 426)
    }
}
