extension Notifier {
    /// The handler that receives events still failing after processing, with the reason.
    public typealias DeadLetterHandler = @Sendable (PublishEvent, DeadLetterCause) async -> Void

    /// Publishes every event of `events`, in order, until the sequence ends.
    ///
    /// This is the consuming end of an event queue. Events are *admitted* one after another, in the
    /// sequence's order, so that per-connection order follows the queue's; only the waiting for
    /// retries runs concurrently, for at most `maxConcurrentEvents` events, after which reading pauses
    /// (backpressure) until one of them finishes.
    ///
    /// An event is never dropped silently: when some recipients were given up
    /// (``DeadLetterCause/undelivered(_:)``) or the subscribers could not be looked up
    /// (``DeadLetterCause/publishFailed(_:)``), `deadLetter` receives it, and the observer an
    /// ``PubSubEvent/eventDeadLettered(_:reason:)``. Gone recipients alone do not make an event fail.
    ///
    /// ```swift
    /// try await notifier.consume(queue.events) { event, cause in
    ///     await deadLetterQueue.append(event, reason: cause.description)
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - events: The events to publish.
    ///   - maxConcurrentEvents: How many events may wait for retries at once (at least 1).
    ///   - deadLetter: Receives every event that still failed.
    /// - Throws: Whatever `events` throws, after the events already read have finished.
    public func consume<Events: AsyncSequence>(
        _ events: Events,
        maxConcurrentEvents: Int = 16,
        deadLetter: @escaping DeadLetterHandler
    ) async throws where Events.Element == PublishEvent {
        let limit = max(1, maxConcurrentEvents)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var waiting = 0
            do {
                for try await event in events {
                    if waiting >= limit {
                        _ = try await group.next()
                        waiting -= 1
                    }
                    let admitted: Admitted
                    do throws(PublishError) {
                        admitted = try await admit(entityId: event.entityId, message: event.message)
                    } catch {
                        await sendToDeadLetter(event, cause: .publishFailed(error), handler: deadLetter)
                        continue
                    }
                    guard !isSettled(admitted) else {
                        await finish(event, admitted, deadLetter: deadLetter)
                        continue
                    }
                    waiting += 1
                    group.addTask { await self.finish(event, admitted, deadLetter: deadLetter) }
                }
            } catch {
                try await group.waitForAll()
                throw error
            }
            try await group.waitForAll()
        }
    }

    private func finish(_ event: PublishEvent, _ admitted: Admitted, deadLetter: DeadLetterHandler) async {
        let report = await complete(admitted)
        if !report.isComplete {
            await sendToDeadLetter(event, cause: .undelivered(report), handler: deadLetter)
        }
    }

    private func sendToDeadLetter(_ event: PublishEvent, cause: DeadLetterCause, handler: DeadLetterHandler) async {
        observe(.eventDeadLettered(event.entityId, reason: cause.description))
        await handler(event, cause)
    }
}
