import NIOCore
import Vapor
import WebSocketPubSub

extension RoutesBuilder {
    /// Adds the pub/sub HTTP endpoints: `POST /events` (publish through `publisher`, answer its
    /// delivery report) and `GET /stats` (the counts in `gateway`'s stores).
    ///
    /// A body over ``PubSubEndpoints/maxEventBodyBytes`` is refused with 413: before it is read when its
    /// `Content-Length` says so, else as soon as it grows over the limit. (Vapor's own `.collect(maxSize:)`
    /// refuses a body of exactly the limit, and waits for an announced body to arrive.)
    public func pubSubEndpoints(publisher: any EventPublisher, gateway: PubSubGateway) {
        let limit = PubSubEndpoints.maxEventBodyBytes
        on(.POST, "events", body: .stream) { request async -> Response in
            if let length = request.headers.first(name: .contentLength).flatMap(Int.init), length > limit {
                return Response(PubSubEndpoints.bodyTooLarge(length))
            }
            let body: ByteBuffer
            do {
                // Vapor's `collect(max:)` fails at `max` bytes and more.
                body = try await request.body.collect(max: limit + 1).get() ?? ByteBuffer()
            } catch {
                return Response(PubSubEndpoints.bodyTooLarge(limit + 1))
            }
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
