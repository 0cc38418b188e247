import Foundation
import Testing
import WebSocketPubSub
import WebSocketPubSubAWS
import WebSocketPubSubTesting

/// The SQS intake: EventBridge events in SQS records, published, answered with the partial batch
/// response.
struct NotificationHandlerTests {
    static func eventBridge(_ entity: String, _ message: String) -> String {
        #"{"version":"0","id":"6a7e8feb-b491-4cf7-a9f1-bf3703467718","detail-type":"Entity Updated","#
            + #""source":"app.entities","account":"111122223333","time":"2024-03-13T10:15:30Z","#
            + #""region":"us-east-1","resources":[],"detail":{"entityId":"\#(entity)","message":\#(message)}}"#
    }

    static func batch(_ bodies: [(String, String)]) -> String {
        let records = bodies.map { id, body in
            let quoted = String(decoding: try! JSONEncoder().encode(body), as: UTF8.self)
            return #"{"messageId":"\#(id)","receiptHandle":"AQEB","body":\#(quoted),"attributes":"#
                + #"{"ApproximateReceiveCount":"1"},"eventSource":"aws:sqs","awsRegion":"us-east-1"}"#
        }
        return #"{"Records":["# + records.joined(separator: ",") + "]}"
    }

    struct Fixture {
        let connections: any ConnectionStore = InMemoryConnectionStore()
        let subscriptions: any SubscriptionStore
        let sender = RecordingConnectionSender()

        init(subscriptions: any SubscriptionStore = InMemorySubscriptionStore()) {
            self.subscriptions = subscriptions
        }

        func handler(retriesUndelivered: Bool = false) -> NotificationHandler {
            NotificationHandler(
                notifier: Notifier(
                    connections: connections, subscriptions: subscriptions, sender: sender,
                    retryPolicy: RetryPolicy(maxAttempts: 1)),
                retriesUndeliveredRecords: retriesUndelivered)
        }

        func subscribe(_ id: String, to entity: String) async throws {
            try await connections.insert(Connection(id: ConnectionID(id), connectedAt: Date()))
            _ = try await subscriptions.subscribe(ConnectionID(id), to: EntityID(validating: entity), limit: 10)
        }
    }

    func respond(_ handler: NotificationHandler, _ text: String) async throws -> [String] {
        let bytes = await handler.handle(event: Array(text.utf8))
        return try JSONDecoder().decode(SQSBatchResponse.self, from: Data(bytes)).batchItemFailures.map(
            \.itemIdentifier)
    }

    @Test func theDetailReachesEverySubscriberAsTheEnvelope() async throws {
        let fixture = Fixture()
        try await fixture.subscribe("a", to: "myTestEntityId")
        try await fixture.subscribe("b", to: "myTestEntityId")
        let failed = try await respond(
            fixture.handler(), Self.batch([("m1", Self.eventBridge("myTestEntityId", #""Hello world""#))]))
        #expect(failed.isEmpty)
        let sent = fixture.sender.batches
        #expect(sent.count == 1)
        #expect(sent.first?.message.text == #"{"entityId":"myTestEntityId","message":"Hello world"}"#)
        #expect(Set(sent.first?.recipients ?? []) == [ConnectionID("a"), ConnectionID("b")])
    }

    @Test func onlyInvalidRecordsAreNamedForRetry() async throws {
        let fixture = Fixture()
        try await fixture.subscribe("a", to: "e1")
        let failed = try await respond(
            fixture.handler(),
            Self.batch([
                ("good", Self.eventBridge("e1", #"{"n":1}"#)), ("not-json", "hello"),
                ("no-entity", #"{"detail":{"message":1}}"#), ("good-2", Self.eventBridge("e2", "2")),
            ]))
        #expect(failed == ["not-json", "no-entity"])
    }

    @Test func aGoneSubscriberDoesNotFailTheRecord() async throws {
        let fixture = Fixture()
        try await fixture.subscribe("gone", to: "e1")
        fixture.sender.script(ConnectionID("gone"), as: .gone)
        let failed = try await respond(fixture.handler(), Self.batch([("m", Self.eventBridge("e1", "1"))]))
        #expect(failed.isEmpty)
        #expect(try await fixture.connections.connection(ConnectionID("gone")) == nil)
    }

    @Test func undeliveredRecordsAreRetriedOnlyWhenConfigured() async throws {
        let fixture = Fixture()
        try await fixture.subscribe("slow", to: "e1")
        fixture.sender.script(ConnectionID("slow"), as: .failAlways(reason: "HTTP 429"))
        let body = Self.batch([("m", Self.eventBridge("e1", "1"))])
        #expect(try await respond(fixture.handler(), body).isEmpty)
        #expect(try await respond(fixture.handler(retriesUndelivered: true), body) == ["m"])
    }

    @Test func aFailedSubscriberLookupFailsTheRecord() async throws {
        let failing = FailureInjectingSubscriptionStore()
        failing.inject(InjectedFault(), into: .subscribers)
        let fixture = Fixture(subscriptions: failing)
        let failed = try await respond(fixture.handler(), Self.batch([("m", Self.eventBridge("e1", "1"))]))
        #expect(failed == ["m"])
    }

    @Test(arguments: ["", "[]", #"{"Records":"x"}"#, "nope"])
    func bytesThatAreNoBatchNameNothing(_ text: String) async throws {
        #expect(try await respond(Fixture().handler(), text).isEmpty)
    }
}
