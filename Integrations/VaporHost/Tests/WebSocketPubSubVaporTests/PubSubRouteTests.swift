import Foundation
import NIOCore
import NIOWebSocket
import Testing
import Vapor
import VaporTesting
import WebSocketKit
import WebSocketPubSub
import WebSocketPubSubVapor

/// The adapter on Vapor: the WebSocket route, the two HTTP endpoints, `$connect`, the frame checks.
@Suite struct PubSubRouteTests {
    static let upgradeHeaders: HTTPHeaders = [
        "Connection": "Upgrade", "Upgrade": "websocket",
        "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    ]

    @Test func subscriberReceivesPublishedEventsAndRepliesKeepOrder() async throws {
        let server = try await LiveServer()
        try await server.run { port in
            let client = try await TestClient.connect(port: port)
            var messages = client.messages.makeAsyncIterator()
            // Many messages at once: websocket-kit's callbacks feed the session in arrival order.
            for index in 0..<50 { client.send(Array(#"{"action":"subscribe","entityId":"e\#(index)"}"#.utf8)) }
            for index in 0..<50 {
                #expect(await messages.next() == #"{"status":"subscribed","entityId":"e\#(index)"}"#)
            }
            let report = try await server.notifier.publish(
                entityId: try EntityID(validating: "e7"), json: Array("[1,2]".utf8))
            #expect(report.delivered == 1)
            #expect(await messages.next() == #"{"entityId":"e7","message":[1,2]}"#)
            try await server.app.testing().test(.GET, "/stats") { response in
                #expect(response.body.string == #"{"connections":1,"subscriptions":50}"#)
            }
            try await client.webSocket.close(code: .normalClosure).get()
        }
    }

    @Test func aBurstOfMessagesIsThrottledNotClosed() async throws {
        let server = try await LiveServer()
        try await server.run { port in
            let client = try await TestClient.connect(port: port)
            var messages = client.messages.makeAsyncIterator()
            // Far more than the session queues (64): the bridge must hold them back, not overflow it.
            let burst = 600
            for index in 0..<burst { client.send(Array(#"{"action":"nothing-\#(index)"}"#.utf8)) }
            for index in 0..<burst {
                let reply = await messages.next()
                #expect(reply?.contains("nothing-\(index)") == true, "reply \(index): \(reply ?? "none: closed")")
            }
            try await client.webSocket.close(code: .normalClosure).get()
        }
    }

    @Test func refusedConnectIsAnsweredWithItsStatusAndReason() async throws {
        var router = MessageRouter()
        router.onConnect { _ in .unauthorized("no token") }
        let server = try await LiveServer(router: router)
        try await server.run { _ in
            try await server.app.testing().test(.GET, "/", headers: Self.upgradeHeaders) { response in
                #expect(response.status.code == 401)
                #expect(response.body.string == #"{"error":"no token"}"#)
            }
        }
        #expect(try await server.gateway.connections.count() == 0)
    }

    @Test func plainGetOnTheWebSocketPathIsUpgradeRequired() async throws {
        let server = try await LiveServer()
        try await server.run { _ in
            try await server.app.testing().test(.GET, "/") { response in
                #expect(response.status.code == 426)
            }
        }
    }

    @Test func fragmentedMessageOverTheLimitClosesWith1009AsFragmentsArrive() async throws {
        let server = try await LiveServer(maxMessageBytes: 1024)
        try await server.run { port in
            let client = try await TestClient.connect(port: port)
            // Each fragment is under the limit; the third takes the message over it. No final fragment
            // is ever sent: the guard must not wait for the whole message.
            client.send(Array(repeating: UInt8(ascii: "x"), count: 600), opcode: .text, fin: false)
            client.send(Array(repeating: UInt8(ascii: "x"), count: 600), opcode: .continuation, fin: false)
            #expect(try await client.closeCode() == .messageTooLarge)
        }
    }

    @Test(arguments: [
        [UInt8]([0x7B, 0xC3, 0x28, 0x7D]),  // a lead byte followed by ASCII
        [UInt8]([0xED, 0xA0, 0x80]),  // a UTF-16 surrogate
    ])
    func invalidUTF8InTextClosesWith1007(payload: [UInt8]) async throws {
        let server = try await LiveServer()
        try await server.run { port in
            let client = try await TestClient.connect(port: port)
            client.send(payload)
            #expect(try await client.closeCode() == .dataInconsistentWithMessage)
        }
    }

    @Test func continuationWithoutAStartClosesWith1002() async throws {
        let server = try await LiveServer()
        try await server.run { port in
            let client = try await TestClient.connect(port: port)
            client.send(Array("x".utf8), opcode: .continuation)
            #expect(try await client.closeCode() == .protocolError)
        }
    }

    @Test func shutdownClosesSessionsWithGoingAway() async throws {
        let server = try await LiveServer()
        try await server.run { port in
            let client = try await TestClient.connect(port: port)
            var messages = client.messages.makeAsyncIterator()
            client.send(Array(#"{"action":"subscribe","entityId":"e"}"#.utf8))
            _ = await messages.next()
            await server.hub.shutdown()
            #expect(try await client.closeCode() == .goingAway)
        }
    }
}
