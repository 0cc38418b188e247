import HTTPTypes
import Hummingbird
import NIOCore
import WebSocketPubSub

extension Router {
    /// Adds the pub/sub HTTP endpoints: `POST /events` (publish through `publisher`, answer its
    /// delivery report), `GET /stats` (the counts in `gateway`'s stores), and `426 Upgrade Required`
    /// for a plain `GET` on `webSocketPath`.
    ///
    /// A body over ``PubSubEndpoints/maxEventBodyBytes`` is refused with 413 before it is read when its
    /// `Content-Length` says so, and as soon as it grows over the limit otherwise.
    @discardableResult
    public func addPubSubEndpoints(
        publisher: any EventPublisher,
        gateway: PubSubGateway,
        webSocketPath: RouterPath = "/"
    ) -> Self {
        post("/events") { request, _ -> Response in
            let limit = PubSubEndpoints.maxEventBodyBytes
            if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
                return Self.response(PubSubEndpoints.bodyTooLarge(length))
            }
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: limit)
            } catch {
                return Self.response(PubSubEndpoints.bodyTooLarge(limit + 1))
            }
            return Self.response(await PubSubEndpoints.publish(body: body.readableBytesView, to: publisher))
        }
        get("/stats") { _, _ in Self.response(await PubSubEndpoints.stats(of: gateway)) }
        get(webSocketPath) { _, _ in Self.response(EndpointResponse.upgradeRequired) }
        return self
    }

    static func response(_ endpoint: EndpointResponse) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if endpoint.status == 426 { headers[.upgrade] = "websocket" }
        return Response(
            status: HTTPResponse.Status(code: endpoint.status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: endpoint.body))
        )
    }
}

extension EndpointResponse {
    static let upgradeRequired = EndpointResponse.error(426, "this is a WebSocket endpoint: upgrade to websocket")
}
