public import WebSocketPubSub

/// A ``PubSubObserver`` that keeps every event, in the order observed, for tests to inspect.
///
/// ```swift
/// let observer = RecordingObserver()
/// let notifier = Notifier(..., observer: observer)
/// _ = try await notifier.publish(entityId: entity, message: message)
/// #expect(observer.events.contains(.published(entity, delivered: 1, gone: 0, failed: 0)))
/// ```
public final class RecordingObserver: PubSubObserver {
    private let recorded = StoreLock([PubSubEvent]())

    /// Creates an observer that has seen nothing.
    public init() {}

    /// Records `event`.
    public func observe(_ event: PubSubEvent) {
        recorded.withLock { $0.append(event) }
    }

    /// Every event observed so far, oldest first.
    public var events: [PubSubEvent] {
        recorded.withLock { $0 }
    }

    /// Forgets every event observed so far.
    public func reset() {
        recorded.withLock { $0.removeAll() }
    }
}
