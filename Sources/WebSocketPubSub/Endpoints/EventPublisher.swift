/// What `POST /events` hands an event to: a ``Notifier`` in one process, or a broker that reaches
/// every node of a cluster.
public protocol EventPublisher: Sendable {
    /// Delivers `{"entityId":E,"message":M}` to every subscriber of the request's entity and says
    /// what happened.
    func publish(_ request: PublishRequest) async throws -> DeliveryReport
}

extension Notifier: EventPublisher {
    /// Publishes the envelope of `request`; see ``publish(entityId:json:)``.
    public func publish(_ request: PublishRequest) async throws -> DeliveryReport {
        try await publish(entityId: request.entityId, json: request.message)
    }
}
