import Foundation
import Testing
import WebSocketPubSub
import WebSocketPubSubTesting

/// A compressor that counts its calls and "compresses" by keeping every other byte.
final class CountingCompressor: BroadcastCompressor {
    let calls = CallCounter()

    func compressedPayload(_ payload: [UInt8]) -> [UInt8]? {
        calls.increment()
        return payload.enumerated().filter { $0.offset.isMultiple(of: 2) }.map(\.element)
    }
}

@Suite("Sessions: a broadcast compressed once", .timeLimit(.minutes(1)))
struct BroadcastCompressionTests {
    @Test func aPublishIsCompressedOnceForEveryConnectionThatTakesIt() async throws {
        let compressor = CountingCompressor()
        let gateway = PubSubGateway(connections: InMemoryConnectionStore(), subscriptions: InMemorySubscriptionStore())
        let hub = SessionHub(gateway: gateway, broadcastCompressor: compressor)
        let notifier = Notifier(connections: gateway.connections, subscriptions: gateway.subscriptions, sender: hub)
        var transports: [RecordingSessionTransport] = []
        for index in 0..<6 {
            let transport = RecordingSessionTransport(acceptsCompressedPayloads: index < 4)
            guard case .opened(let session) = await hub.connect(ConnectRequest(id: .random()), transport: transport)
            else {
                Issue.record("session \(index) did not open")
                return
            }
            await session.handle(text: #"{"action":"subscribe","entityId":"e"}"#)
            transports.append(transport)
        }

        let report = try await notifier.publish(entityId: EntityID(validating: "e"), json: Array(#""abcdef""#.utf8))

        #expect(report.delivered == 6)
        #expect(compressor.calls.count == 1)
        for transport in transports {
            await transport.waitForMessages(2)
            let published = try #require(transport.messages.last)
            #expect(String(decoding: published.bytes, as: UTF8.self) == #"{"entityId":"e","message":"abcdef"}"#)
            // Every recipient gets the same message; a host writes the compressed form only where
            // its connection negotiated it.
            #expect(
                published.compressedPayload
                    == Array(published.bytes.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)))
        }
        // Replies are per connection: never compressed by the hub.
        #expect(transports[0].messages.first?.compressedPayload == nil)
    }

    @Test func noConnectionThatTakesItMeansNoCompression() async throws {
        let compressor = CountingCompressor()
        let gateway = PubSubGateway(connections: InMemoryConnectionStore(), subscriptions: InMemorySubscriptionStore())
        let hub = SessionHub(gateway: gateway, broadcastCompressor: compressor)
        let notifier = Notifier(connections: gateway.connections, subscriptions: gateway.subscriptions, sender: hub)
        let transport = RecordingSessionTransport()
        guard case .opened(let session) = await hub.connect(ConnectRequest(id: .random()), transport: transport) else {
            Issue.record("the session did not open")
            return
        }
        await session.handle(text: #"{"action":"subscribe","entityId":"e"}"#)
        _ = try await notifier.publish(entityId: EntityID(validating: "e"), json: Array("1".utf8))
        await transport.waitForMessages(2)
        #expect(compressor.calls.count == 0)
        #expect(transport.messages.last?.compressedPayload == nil)
    }
}
