import Testing
import WebSocketPubSub
import WebSocketPubSubTesting

@Suite("Recording publisher")
struct RecordingPublisherTests {
    @Test func recordsWhatTheEndpointPublishes() async throws {
        let publisher = RecordingPublisher(delivered: 2)
        let body = Array(#"{"entityId":"order-42","message":{"status":"shipped"}}"#.utf8)
        let response = await PubSubEndpoints.publish(body: body, to: publisher)
        #expect(response.status == 200)
        let entity = try EntityID(validating: "order-42")
        #expect(publisher.requests == [PublishRequest(entityId: entity, message: Array(#"{"status":"shipped"}"#.utf8))])
        #expect(publisher.requests(for: entity).count == 1)
        #expect(publisher.requests(for: try EntityID(validating: "other")).isEmpty)
        publisher.reset()
        #expect(publisher.requests.isEmpty)
    }

    @Test func defaultAnswerReachesNoOne() async throws {
        let publisher = RecordingPublisher()
        let report = try await publisher.publish(
            PublishRequest(entityId: try EntityID(validating: "e"), message: [0x31]))
        #expect(report.recipients == 0)
        #expect(report.delivered == 0)
    }

    @Test func answerCanThrow() async throws {
        struct Down: Error {}
        let publisher = RecordingPublisher { _ in throw Down() }
        let body = Array(#"{"entityId":"order-42","message":1}"#.utf8)
        let response = await PubSubEndpoints.publish(body: body, to: publisher)
        #expect(response.status == 503)
        #expect(publisher.requests.count == 1)
    }
}
