import Testing
import WebSocketPubSub
import WebSocketPubSubTesting

@Suite struct MyHistoryStoreConformanceTests {
    @Test func myHistoryStoreConforms() async throws {
        try await HistoryStoreConformance { limits in InMemoryHistoryStore(limits: limits) }.validate()
    }
}
