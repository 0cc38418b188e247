import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWSTesting
import HummingbirdWebSocket
import NIOCore
import NIOWebSocket
import Testing
import WebSocketPubSub
import WebSocketPubSubHummingbird

/// The adapter over a live Hummingbird server: the WebSocket route, the two HTTP endpoints, `$connect`.
@Suite struct PubSubRouteTests {
    static let upgradeHeaders: HTTPFields = [
        .connection: "Upgrade", .upgrade: "websocket",
        .secWebSocketVersion: "13", .secWebSocketKey: "dGhlIHNhbXBsZSBub25jZQ==",
    ]

    @Test func subscriberReceivesWhatIsPostedToEvents() async throws {
        let server = TestServer()
        try await server.app.test(.live) { client in
            try await client.ws("/") { inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 16).makeAsyncIterator()
                try await outbound.write(.text(#"{"action":"subscribe","entityId":"game-1"}"#))
                #expect(try await messages.next() == .text(#"{"status":"subscribed","entityId":"game-1"}"#))
                let response = try await client.execute(
                    uri: "/events", method: .post,
                    body: ByteBuffer(string: #"{"entityId":"game-1","message":{"score":3}}"#))
                #expect(response.status == .ok)
                let report =
                    try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                #expect(report?["delivered"] as? Int == 1)
                #expect(try await messages.next() == .text(#"{"entityId":"game-1","message":{"score":3}}"#))
                let stats = try await client.execute(uri: "/stats", method: .get)
                #expect(String(buffer: stats.body) == #"{"connections":1,"subscriptions":1}"#)
            }
        }
    }

    @Test func refusedConnectIsAnsweredWithItsStatusAndReason() async throws {
        var router = MessageRouter()
        router.onConnect { _ in .unauthorized("no token") }
        let server = TestServer(router: router)
        try await server.app.test(.live) { client in
            let response = try await client.execute(uri: "/", method: .get, headers: Self.upgradeHeaders)
            #expect(response.status.code == 401)
            #expect(String(buffer: response.body) == #"{"error":"no token"}"#)
        }
        #expect(try await server.gateway.connections.count() == 0)
    }

    @Test func plainGetOnTheWebSocketPathIsUpgradeRequired() async throws {
        try await TestServer().app.test(.live) { client in
            let response = try await client.execute(uri: "/", method: .get)
            #expect(response.status.code == 426)
        }
    }

    @Test func eventBodyAnnouncedOverOneMebibyteIsRefusedUnread() async throws {
        try await TestServer().app.test(.live) { client in
            let body = ByteBuffer(repeating: UInt8(ascii: " "), count: PubSubEndpoints.maxEventBodyBytes + 1)
            let response = try await client.execute(uri: "/events", method: .post, body: body)
            #expect(response.status.code == 413)
        }
    }

    @Test func fragmentedMessageOverTheLimitClosesWith1009() async throws {
        try await TestServer(maxMessageBytes: 1024).app.test(.live) { client in
            let close = try await client.ws("/") { _, outbound, _ in
                // Each fragment is under the limit; together they are over it.
                try await outbound.withTextMessageWriter { write in
                    for _ in 0..<3 { try await write(String(repeating: "x", count: 600)) }
                }
            }
            #expect(close?.closeCode == .messageTooLarge)
        }
    }

    @Test func invalidUTF8InTextClosesWith1007() async throws {
        try await TestServer().app.test(.live) { client in
            let close = try await client.ws("/") { inbound, outbound, _ in
                let invalid = ByteBuffer(bytes: [0x7B, 0xC3, 0x28, 0x7D])
                try await outbound.write(.custom(WebSocketFrame(fin: true, opcode: .text, data: invalid)))
                for try await _ in inbound {}
            }
            #expect(close?.closeCode == .dataInconsistentWithMessage)
        }
    }

    @Test func shutdownClosesSessionsWithGoingAway() async throws {
        let server = TestServer()
        try await server.app.test(.live) { client in
            let close = try await client.ws("/") { inbound, outbound, _ in
                try await outbound.write(.text(#"{"action":"subscribe","entityId":"e"}"#))
                var messages = inbound.messages(maxSize: 1 << 16).makeAsyncIterator()
                _ = try await messages.next()
                await server.hub.shutdown()
                while try await messages.next() != nil {}
            }
            #expect(close?.closeCode == .goingAway)
        }
    }
}
