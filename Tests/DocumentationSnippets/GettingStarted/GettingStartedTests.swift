import Testing
import WebSocketPubSub

@Suite("Getting started, as written")
struct GettingStartedTests {
    @Test func myHostRunsTheWholeFlow() async throws {
        try await MyHost.main()
    }

    @Test func routesRefuseConnectionsWithoutUser() async {
        let gateway = gettingStartedRoutes(
            connections: InMemoryConnectionStore(), subscriptions: InMemorySubscriptionStore())
        guard case .rejected = await gateway.connect() else {
            Issue.record("a connection without X-User was accepted")
            return
        }
    }
}
