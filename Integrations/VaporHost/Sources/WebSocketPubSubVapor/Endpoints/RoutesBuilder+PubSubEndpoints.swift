import NIOCore
import Vapor
import WebSocketPubSub

extension RoutesBuilder {
    /// Adds the pub/sub HTTP endpoints: `POST /events` (publish through `publisher`, answer its
    /// delivery report) and `GET /stats` (the counts in `gateway`'s stores).
    ///
    /// A body over ``PubSubEndpoints/maxEventBodyBytes`` is refused with 413 by Vapor's body
    /// collection, before it is read when its `Content-Length` says so.
    public func pubSubEndpoints(publisher: any EventPublisher, gateway: PubSubGateway) {
        let limit = ByteCount(value: PubSubEndpoints.maxEventBodyBytes)
        on(.POST, "events", body: .collect(maxSize: limit)) { request async -> Response in
            let body = request.body.data ?? ByteBuffer()
            return Response(await PubSubEndpoints.publish(body: body.readableBytesView, to: publisher))
        }
        on(.GET, "stats") { _ async -> Response in Response(await PubSubEndpoints.stats(of: gateway)) }
    }
}

extension Response {
    /// The HTTP response of an endpoint's answer: its status and JSON body.
    convenience init(_ endpoint: EndpointResponse) {
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        if endpoint.status == 426 {
            headers.add(name: .upgrade, value: "websocket")
            headers.add(name: "Sec-WebSocket-Version", value: "13")
        }
        self.init(
            status: HTTPResponseStatus(statusCode: endpoint.status), headers: headers,
            body: .init(buffer: ByteBuffer(bytes: endpoint.body)))
    }
}

extension EndpointResponse {
    static let upgradeRequired = EndpointResponse.error(426, "this is a WebSocket endpoint: upgrade to websocket")
}
