/// The HTTP endpoints of the pub/sub contract, worked out without any HTTP framework: every host
/// maps its request to a call here and the ``EndpointResponse`` back to its own response type.
///
/// ```swift
/// let answer = await PubSubEndpoints.publish(body: requestBody, to: notifier)
/// // answer.status == 200, answer.body == {"entityId":"E","recipients":1,"delivered":1,"gone":0,"failed":0}
/// ```
public enum PubSubEndpoints {
    /// The largest `POST /events` body the contract accepts; a host answers a larger one with `413`
    /// before reading it (see ``bodyTooLarge(_:)``).
    public static let maxEventBodyBytes = 1 << 20

    /// `POST /events`: parses the body, publishes it, and answers `200` with the delivery report,
    /// `400` with what is wrong with the body, or `503` when the publisher failed.
    public static func publish(body: some Collection<UInt8>, to publisher: any EventPublisher) async -> EndpointResponse
    {
        let request: PublishRequest
        do {
            request = try PublishRequest.parse(body)
        } catch {
            return .error(400, error.message)
        }
        do {
            let report = try await publisher.publish(request)
            return EndpointResponse(status: 200, body: json(of: report))
        } catch {
            return .error(503, "the event could not be published: \(error)")
        }
    }

    /// The `413` answer to a publish body of `length` bytes over ``maxEventBodyBytes``.
    public static func bodyTooLarge(_ length: Int) -> EndpointResponse {
        .error(413, "the event body is \(length) bytes; the limit is \(maxEventBodyBytes)")
    }

    /// `GET /stats`: `200` with `{"connections":N,"subscriptions":M}`, or `500` when a store failed.
    public static func stats(of gateway: PubSubGateway) async -> EndpointResponse {
        do {
            let connections = try await gateway.connections.count()
            let subscriptions = try await gateway.subscriptions.count()
            return EndpointResponse(
                status: 200, body: Array("{\"connections\":\(connections),\"subscriptions\":\(subscriptions)}".utf8))
        } catch {
            return .error(500, "the stores could not be counted: \(error)")
        }
    }

    /// The JSON of a delivery report, as `POST /events` answers it:
    /// `{"entityId":"E","recipients":N,"delivered":N,"gone":N,"failed":N}`, with `heldElsewhere`
    /// when some recipients were, `nodes` and `nodesAnswered` for a publish across a cluster, and
    /// `offset` and `epoch` when the entity keeps history.
    public static func json(of report: DeliveryReport) -> [UInt8] {
        var body = Array(#"{"entityId":"#.utf8)
        JSONEscaping.appendQuoted(report.entityId.rawValue, to: &body)
        var members =
            ",\"recipients\":\(report.recipients),\"delivered\":\(report.delivered),"
            + "\"gone\":\(report.gone),\"failed\":\(report.failed)"
        if report.heldElsewhere > 0 { members += ",\"heldElsewhere\":\(report.heldElsewhere)" }
        if let nodes = report.nodes { members += ",\"nodes\":\(nodes)" }
        if let answered = report.nodesAnswered { members += ",\"nodesAnswered\":\(answered)" }
        body.append(contentsOf: members.utf8)
        if let position = report.position {
            body.append(contentsOf: ",\"offset\":\(position.offset),\"epoch\":".utf8)
            JSONEscaping.appendQuoted(position.epoch, to: &body)
        }
        body.append(UInt8(ascii: "}"))
        return body
    }
}
