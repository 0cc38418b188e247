public import WebSocketPubSub

/// An ``EventPublisher`` that records every publish request and answers as the test says.
///
/// Hand it to code that publishes (an HTTP endpoint, a queue consumer) to check what it published,
/// without subscribers or a notifier:
///
/// ```swift
/// let publisher = RecordingPublisher()
/// let response = await PubSubEndpoints.publish(body: body, to: publisher)
/// #expect(publisher.requests.map(\.entityId) == [try EntityID(validating: "order-42")])
/// ```
///
/// By default each publish reaches no one (a report with no recipients); pass `answer` to return
/// other reports or to throw.
public final class RecordingPublisher: EventPublisher {
    /// Decides what one publish returns, or throws.
    public typealias Answer = @Sendable (PublishRequest) async throws -> DeliveryReport

    private let recorded = StoreLock([PublishRequest]())
    private let answer: Answer

    /// Creates a publisher that has recorded nothing.
    ///
    /// - Parameter answer: What each publish returns; by default a report with no recipients.
    public init(answer: @escaping Answer = { DeliveryReport(entityId: $0.entityId, recipients: 0, delivered: 0) }) {
        self.answer = answer
    }

    /// Creates a publisher whose every publish reports `delivered` recipients, all of which took the message.
    public convenience init(delivered: Int) {
        self.init { DeliveryReport(entityId: $0.entityId, recipients: delivered, delivered: delivered) }
    }

    /// Records `request`, then returns (or throws) what `answer` says.
    public func publish(_ request: PublishRequest) async throws -> DeliveryReport {
        recorded.withLock { $0.append(request) }
        return try await answer(request)
    }

    /// Every request received so far, oldest first.
    public var requests: [PublishRequest] {
        recorded.withLock { $0 }
    }

    /// The requests received for `entity`, oldest first.
    public func requests(for entity: EntityID) -> [PublishRequest] {
        recorded.withLock { $0.filter { $0.entityId == entity } }
    }

    /// Forgets every request received so far.
    public func reset() {
        recorded.withLock { $0.removeAll() }
    }
}
