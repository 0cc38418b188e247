import Testing
import WebSocketPubSub
import WebSocketPubSubTesting

@Suite("Notifier event intake", .timeLimit(.minutes(1)))
struct NotifierIntakeTests {
    @Test func failingEventsGoToTheDeadLetterHandlerInOrder() async throws {
        let fine = entity("fine")
        let flaky = entity("flaky")
        let broken = entity("broken")
        let base = InMemorySubscriptionStore()
        let connections = InMemoryConnectionStore()
        let sender = RecordingConnectionSender()
        let observer = RecordingObserver()
        let good = ConnectionID("good")
        let bad = ConnectionID("bad")
        _ = base.subscribe(good, to: fine, limit: 8)
        _ = base.subscribe(good, to: flaky, limit: 8)
        _ = base.subscribe(bad, to: flaky, limit: 8)
        sender.script(bad, as: .failAlways(reason: "buffer full"))
        let notifier = Notifier(
            connections: connections, subscriptions: ThrowingSubscriptionStore(base: base, failing: broken),
            sender: sender, retryPolicy: .noRetries, observer: observer)
        let events = [
            PublishEvent(entityId: fine, message: text("1")),
            PublishEvent(entityId: flaky, message: text("2")),
            PublishEvent(entityId: broken, message: text("3")),
            PublishEvent(entityId: fine, message: text("4")),
        ]
        let box = DeadLetterBox()

        try await notifier.consume(finiteStream(events)) { event, cause in
            await box.add(event, cause)
        }

        let letters = await box.letters
        #expect(letters.map(\.event) == [events[1], events[2]])
        guard case .undelivered(let report) = letters.first?.cause else {
            Issue.record("expected an undelivered report, got \(String(describing: letters.first?.cause))")
            return
        }
        #expect(report.failedConnections == [bad])
        #expect(report.delivered == 1)
        guard case .publishFailed(.subscriberLookupFailed(broken, _)) = letters.last?.cause else {
            Issue.record("expected a lookup failure, got \(String(describing: letters.last?.cause))")
            return
        }
        #expect(sender.deliveries(to: good) == [text("1"), text("2"), text("4")])
        let deadLettered = observer.events.filter {
            if case .eventDeadLettered = $0 { return true }
            return false
        }
        #expect(deadLettered.count == 2)
    }

    @Test func eventsWaitingForRetriesDoNotBlockLaterEvents() async throws {
        let fixture = NotifierFixture()
        let game = entity("game-1")
        let ids = fixture.connect(2, to: game)
        fixture.sender.script(ids[0], as: .failNext(1, reason: "full"))
        let (stream, input) = AsyncStream.makeStream(of: PublishEvent.self)
        let box = DeadLetterBox()
        let consumer = Task {
            try await fixture.notifier.consume(stream, maxConcurrentEvents: 4) { event, cause in
                await box.add(event, cause)
            }
        }

        input.yield(PublishEvent(entityId: game, message: text("1")))
        await fixture.clock.waitForSleepers(1)
        input.yield(PublishEvent(entityId: game, message: text("2")))
        await fixture.sender.waitForBatches(2)
        #expect(fixture.sender.deliveries(to: ids[1]) == [text("1"), text("2")])
        fixture.clock.advance(by: .milliseconds(100))
        input.finish()
        try await consumer.value

        #expect(fixture.sender.deliveries(to: ids[0]) == [text("1"), text("2")])
        #expect(await box.letters.isEmpty)
    }
}

/// An async sequence that yields `items` and ends.
private func finiteStream<Element: Sendable>(_ items: [Element]) -> AsyncStream<Element> {
    let (stream, input) = AsyncStream.makeStream(of: Element.self)
    for item in items { input.yield(item) }
    input.finish()
    return stream
}
