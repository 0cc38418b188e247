import PostgresPubSub
import WebSocketPubSub

/// `POST /events` on a node: the event goes to every node through the broker, and the response
/// sums what each node delivered, with `nodes` (live leases when it was published) and
/// `nodesAnswered` (reports received before the report timeout).
struct ClusterPublisher: EventPublisher {
    let broker: PostgresBroker

    func publish(_ request: PublishRequest) async throws -> DeliveryReport {
        try await broker.publish(entityId: request.entityId, message: request.message)
    }
}
