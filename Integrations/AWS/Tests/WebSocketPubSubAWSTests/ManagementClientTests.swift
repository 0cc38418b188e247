import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Testing
import WebSocketPubSub
import WebSocketPubSubAWS

/// The `@connections` client against a local stand-in: status mapping, signing, the in-flight bound.
@Suite(.timeLimit(.minutes(1)))
struct ManagementClientTests {
    static let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret")

    func withServer(
        delayMilliseconds: Int64 = 20, maxInFlight: Int = 64, timeout: Duration = .seconds(5),
        _ body: (StubManagementServer, APIGatewayManagementClient) async throws -> Void
    ) async throws {
        let server = StubManagementServer(delay: .milliseconds(delayMilliseconds))
        try await server.start()
        let client = APIGatewayManagementClient(
            configuration: .init(
                endpoint: URL(string: "http://127.0.0.1:\(server.port)/production")!, region: "us-east-1",
                credentials: Self.credentials, timeout: timeout, maxInFlightRequests: maxInFlight))
        do {
            try await body(server, client)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test func statusesMapToDeliveredGoneAndFailed() async throws {
        try await withServer { _, client in
            let failures = await client.send(
                OutboundMessage(text: "hi"),
                to: ["ok-1", "gone-1", "throttled-1", "broken-1"].map { ConnectionID($0) })
            let byID = Dictionary(uniqueKeysWithValues: failures.map { ($0.connection.rawValue, $0.reason) })
            #expect(byID.count == 3)
            #expect(byID["gone-1"] == .gone)
            guard case .failed(let throttled) = byID["throttled-1"], case .failed(let broken) = byID["broken-1"] else {
                Issue.record("429 and 500 must be failed, got \(byID)")
                return
            }
            #expect(throttled.contains("429"))
            #expect(broken.contains("500"))
        }
    }

    @Test func aTimeoutIsFailedNotGone() async throws {
        try await withServer(timeout: .milliseconds(300)) { _, client in
            let outcome = await client.post(Array("x".utf8), to: ConnectionID("slow-1"))
            guard case .failed = outcome else {
                Issue.record("a request that timed out must be failed, got \(outcome)")
                return
            }
        }
    }

    @Test func nothingListeningIsFailed() async throws {
        let client = APIGatewayManagementClient(
            configuration: .init(
                endpoint: URL(string: "http://127.0.0.1:1/production")!, region: "us-east-1",
                credentials: Self.credentials, timeout: .seconds(2)))
        let outcome = await client.post([], to: ConnectionID("abc"))
        guard case .failed = outcome else {
            Issue.record("a refused connection must be failed, got \(outcome)")
            return
        }
    }

    @Test func postsTheBodySignedToTheEncodedConnectionPath() async throws {
        try await withServer { server, client in
            #expect(await client.post(Array("hello".utf8), to: ConnectionID("a+b/c==")) == .ok)
            let request = try #require(server.state.withLockedValue { $0.requests.first })
            #expect(request.method == "POST")
            #expect(request.uri == "/production/%40connections/a%2Bb%2Fc%3D%3D")
            #expect(request.body == Array("hello".utf8))
            #expect(request.authorization?.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") == true)
            #expect(request.authorization?.contains("/us-east-1/execute-api/aws4_request") == true)
        }
    }

    @Test func getAndDeleteUseTheirMethods() async throws {
        try await withServer { server, client in
            #expect(await client.delete(ConnectionID("x")) == .ok)
            let gone = await client.connection(ConnectionID("gone-2"))
            #expect((try? gone.get()) == .some(nil))
            let methods = server.state.withLockedValue { $0.requests.map(\.method) }
            #expect(methods == ["DELETE", "GET"])
        }
    }

    @Test func atMostTheConfiguredNumberOfRequestsAreInFlight() async throws {
        try await withServer(delayMilliseconds: 50, maxInFlight: 4) { server, client in
            let recipients = (0..<40).map { ConnectionID("ok-\($0)") }
            let failures = await client.send(OutboundMessage(text: "fan-out"), to: recipients)
            #expect(failures.isEmpty)
            let state = server.state.withLockedValue { $0 }
            #expect(state.requests.count == 40)
            #expect(state.maxInFlight <= 4)
            #expect(state.maxInFlight >= 2)
        }
    }

    @Test func theNotifierRemovesAGoneRecipientAndReportsTheFailedOne() async throws {
        try await withServer { _, client in
            let connections: any ConnectionStore = InMemoryConnectionStore()
            let subscriptions: any SubscriptionStore = InMemorySubscriptionStore()
            let entity = try EntityID(validating: "myTestEntityId")
            for name in ["ok-n", "gone-n", "throttled-n"] {
                let id = ConnectionID(name)
                try await connections.insert(Connection(id: id, connectedAt: Date()))
                _ = try await subscriptions.subscribe(id, to: entity, limit: 10)
            }
            let notifier = Notifier(
                connections: connections, subscriptions: subscriptions, sender: client,
                retryPolicy: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(10), deadline: .seconds(5)))
            let report = try await notifier.publish(entityId: entity, json: Array(#""Hello world""#.utf8))
            #expect(report.delivered == 1)
            #expect(report.gone == 1)
            #expect(report.failed == 1)
            #expect(try await connections.connection(ConnectionID("gone-n")) == nil)
            #expect(try await subscriptions.subscriptions(of: ConnectionID("gone-n")).isEmpty)
        }
    }
}
