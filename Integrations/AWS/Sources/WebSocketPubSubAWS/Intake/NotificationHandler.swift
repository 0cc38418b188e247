import Foundation
public import WebSocketPubSub

/// The article's notifier function: an SQS batch whose messages are EventBridge events
/// (`{"detail":{"entityId":"E","message":M}, …}`) is published through a ``Notifier``, and answered
/// with the partial batch response that names the records SQS must deliver again.
///
/// A record is named when its body is not such an event (SQS then retries it up to the queue's
/// `maxReceiveCount` and moves it to the dead-letter queue, where someone can look at it) or when
/// its subscribers could not be looked up (nothing was sent). Gone subscribers never make a record
/// fail: the notifier has removed them. Recipients still failing after the notifier's own retries
/// make the record fail only with ``retriesUndeliveredRecords``, since delivering it again reaches
/// every recipient again, those that had it included.
///
/// ```swift
/// let intake = NotificationHandler(notifier: notifier)
/// let responseBytes = await intake.handle(event: sqsEventBytes)
/// ```
public struct NotificationHandler: Sendable {
    /// What delivers each event.
    public let notifier: Notifier
    /// Whether a record some recipients of which were given up is retried (at least once, with
    /// duplicates for the others) rather than counted done (at most once).
    public let retriesUndeliveredRecords: Bool

    /// A handler over `notifier`.
    public init(notifier: Notifier, retriesUndeliveredRecords: Bool = false) {
        self.notifier = notifier
        self.retriesUndeliveredRecords = retriesUndeliveredRecords
    }

    /// What one record came to.
    public enum Outcome: Hashable, Sendable {
        /// Published; the report says to whom.
        case published(DeliveryReport)
        /// The body is not an event; the text says why.
        case invalid(String)
        /// The subscribers could not be looked up; nothing was sent.
        case notAttempted(String)
    }

    /// Decodes an SQS event, handles it and encodes the partial batch response. Bytes that are no
    /// SQS event get `{"batchItemFailures":[]}` and nothing is published: there is no record to name.
    public func handle(event bytes: some Collection<UInt8>) async -> [UInt8] {
        let response: SQSBatchResponse
        if let event = try? JSONDecoder().decode(SQSEvent.self, from: Data(bytes)) {
            response = await handle(event)
        } else {
            response = SQSBatchResponse(batchItemFailures: [])
        }
        return (try? Array(JSONEncoder().encode(response))) ?? Array(#"{"batchItemFailures":[]}"#.utf8)
    }

    /// Publishes every record, in order; returns the records to retry.
    public func handle(_ event: SQSEvent) async -> SQSBatchResponse {
        var failures: [SQSBatchResponse.ItemFailure] = []
        for record in event.records where mustRetry(await publish(record)) {
            failures.append(.init(itemIdentifier: record.messageId))
        }
        return SQSBatchResponse(batchItemFailures: failures)
    }

    /// Publishes one record.
    public func publish(_ record: SQSEvent.Record) async -> Outcome {
        let request: PublishRequest
        do {
            request = try PublishRequest.parse(Array(record.body.utf8))
        } catch {
            return .invalid(error.description)
        }
        do {
            return .published(try await notifier.publish(entityId: request.entityId, json: request.message))
        } catch {
            return .notAttempted("\(error)")
        }
    }

    func mustRetry(_ outcome: Outcome) -> Bool {
        switch outcome {
        case .invalid, .notAttempted: true
        case .published(let report): retriesUndeliveredRecords && report.failed > 0
        }
    }
}
