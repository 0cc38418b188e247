import Testing
import WebSocketPubSub

@Suite("README, as written")
struct ReadmeTests {
    @Test func hostCallbacksReplyAndPublish() async throws {
        let host = ReadmeHost(
            platformConnectionID: "L0SM9cOFvHcCIhw=",
            ip: "203.0.113.7",
            bytes: Array(#"{"action":"subscribe","entityId":"order-42"}"#.utf8),
            id: ConnectionID("L0SM9cOFvHcCIhw=")
        )
        let report = try await host.run()
        #expect(await host.outbox.messages.count == 1)
        #expect(report.delivered == 0, "the connection left before the publish")
    }
}
