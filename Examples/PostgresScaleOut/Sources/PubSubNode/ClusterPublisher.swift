import PostgresPubSub
import PubSubServerKit
import WebSocketPubSub

/// `POST /events` on a node: the event goes to every node through the broker, and the response
/// sums what each node delivered, with `nodes` (live leases when it was published) and
/// `nodesAnswered` (reports received before the report timeout).
struct ClusterPublisher: EventPublisher {
    let broker: PostgresBroker

    func publish(entityId: EntityID, message: [UInt8]) async throws -> PublishSummary {
        let report = try await broker.publish(entityId: entityId, message: message)
        return PublishSummary(
            recipients: report.recipients,
            delivered: report.delivered,
            gone: report.gone,
            failed: report.failed,
            extra: [
                .init(name: "nodes", value: report.nodes.count),
                .init(name: "nodesAnswered", value: report.nodesAnswered.count),
            ]
        )
    }
}
