import Testing
import WebSocketPubSub
import WebSocketPubSubTesting

@Suite("Notifier publish")
struct NotifierPublishTests {
    @Test func deliversOnceToEachSubscriberInOneBatch() async throws {
        let fixture = NotifierFixture()
        let game = entity("game-1")
        let ids = fixture.connect(5, to: game)
        let message = text("hello")

        let report = try await fixture.notifier.publish(entityId: game, message: message)

        #expect(report == DeliveryReport(entityId: game, recipients: 5, delivered: 5))
        let batches = fixture.sender.batches
        #expect(batches.count == 1)
        #expect(Set(batches.first?.recipients ?? []) == Set(ids))
        #expect(batches.first?.message == message)
        for id in ids { #expect(fixture.sender.deliveries(to: id) == [message]) }
        #expect(fixture.observer.events == [.published(game, delivered: 5, gone: 0, failed: 0)])
    }

    @Test func publishWithoutSubscribersReturnsAnEmptyReport() async throws {
        let fixture = NotifierFixture()
        let nobody = entity("nobody")

        let report = try await fixture.notifier.publish(entityId: nobody, message: text("x"))

        #expect(report == DeliveryReport(entityId: nobody, recipients: 0, delivered: 0))
        #expect(report.isComplete)
        #expect(fixture.sender.batches.isEmpty)
    }

    @Test func goneConnectionsAreRemovedFromBothStoresAndCounted() async throws {
        let fixture = NotifierFixture()
        let game = entity("game-1")
        let other = entity("game-2")
        let ids = fixture.connect(3, to: game)
        _ = fixture.subscriptions.subscribe(ids[1], to: other, limit: 128)
        fixture.sender.script(ids[1], as: .gone)

        let report = try await fixture.notifier.publish(entityId: game, message: text("x"))

        #expect(report.delivered == 2)
        #expect(report.goneConnections == [ids[1]])
        #expect(report.gone == 1 && report.failed == 0)
        #expect(fixture.connections.connection(ids[1]) == nil)
        #expect(fixture.subscriptions.subscriptions(of: ids[1]).isEmpty)
        #expect(fixture.subscriptions.subscribers(of: game).count == 2)
        #expect(fixture.connections.count() == 2)
        #expect(fixture.sender.batches.count == 1)
        #expect(
            fixture.observer.events == [.deliveryGone(ids[1]), .published(game, delivered: 2, gone: 1, failed: 0)])
    }

    @Test func publishingJSONSendsTheEntityEnvelope() async throws {
        let fixture = NotifierFixture()
        let game = entity("game-42")
        let ids = fixture.connect(1, to: game)

        _ = try await fixture.notifier.publish(entityId: game, json: Array(#"{"score":3}"#.utf8))

        let expected = OutboundMessage(text: #"{"entityId":"game-42","message":{"score":3}}"#)
        #expect(fixture.sender.deliveries(to: ids[0]) == [expected])
    }

    @Test func lookupFailureThrowsAndSendsNothing() async throws {
        let broken = entity("broken")
        let sender = RecordingConnectionSender()
        let store = ThrowingSubscriptionStore(base: InMemorySubscriptionStore(), failing: broken)
        let notifier = Notifier(connections: InMemoryConnectionStore(), subscriptions: store, sender: sender)

        await #expect(throws: PublishError.self) {
            _ = try await notifier.publish(entityId: broken, message: text("x"))
        }
        #expect(sender.batches.isEmpty)
    }

    @Test func noRetriesPolicyReportsATransientFailureAtOnce() async throws {
        let fixture = NotifierFixture(policy: .noRetries)
        let game = entity("game-1")
        let ids = fixture.connect(2, to: game)
        fixture.sender.script(ids[0], as: .failAlways(reason: "buffer full"))

        let report = try await fixture.notifier.publish(entityId: game, message: text("x"))

        #expect(report.delivered == 1)
        #expect(report.failedConnections == [ids[0]])
        #expect(fixture.clock.requestedSleeps.isEmpty)
        #expect(
            fixture.observer.events == [
                .deliveryFailed(ids[0], reason: "buffer full"), .published(game, delivered: 1, gone: 0, failed: 1),
            ])
    }
}
