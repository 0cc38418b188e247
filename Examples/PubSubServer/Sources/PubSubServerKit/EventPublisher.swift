import WebSocketPubSub

/// What `POST /events` hands an event to: a notifier in one process, or a broker that reaches
/// every node of a cluster.
public protocol EventPublisher: Sendable {
    /// Delivers `{"entityId":E,"message":M}` to every subscriber of `entityId` and says what happened.
    ///
    /// - Parameter message: The raw JSON of `M`, passed on byte for byte.
    func publish(entityId: EntityID, message: [UInt8]) async throws -> PublishSummary
}

/// What a publish did, as `POST /events` reports it.
public struct PublishSummary: Hashable, Sendable {
    /// Connections that were subscribed when the message went out.
    public var recipients: Int
    /// Recipients whose transport accepted the message.
    public var delivered: Int
    /// Recipients found closed, removed from the stores.
    public var gone: Int
    /// Recipients that were open but did not take the message.
    public var failed: Int
    /// Further integer members of the response, in this order (a cluster says how many nodes answered).
    public var extra: [Field]

    /// One further integer member of the `POST /events` response.
    public struct Field: Hashable, Sendable {
        /// The member's key.
        public var name: String
        /// The member's value.
        public var value: Int

        /// A member `"name":value`.
        public init(name: String, value: Int) {
            self.name = name
            self.value = value
        }
    }

    /// A summary with the given counts and further members.
    public init(recipients: Int, delivered: Int, gone: Int, failed: Int, extra: [Field] = []) {
        self.recipients = recipients
        self.delivered = delivered
        self.gone = gone
        self.failed = failed
        self.extra = extra
    }

    /// The counts of a notifier's report.
    public init(_ report: DeliveryReport) {
        self.init(recipients: report.recipients, delivered: report.delivered, gone: report.gone, failed: report.failed)
    }
}

/// The single-process publisher: a ``Notifier`` over this process's stores and sessions.
public struct NotifierPublisher: EventPublisher {
    /// The notifier every publish goes through.
    public let notifier: Notifier

    /// A publisher over `notifier`.
    public init(notifier: Notifier) {
        self.notifier = notifier
    }

    public func publish(entityId: EntityID, message: [UInt8]) async throws -> PublishSummary {
        PublishSummary(try await notifier.publish(entityId: entityId, json: message))
    }
}
