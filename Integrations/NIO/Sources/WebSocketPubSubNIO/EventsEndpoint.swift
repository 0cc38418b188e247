import WebSocketPubSub

/// `POST /events` and `GET /stats`: the library's host-neutral endpoints, answered as HTTP/1.1.
enum PubSubHTTPEndpoints {
    static func events(body: [UInt8], app: ServerApp) async -> HTTPResponse {
        let answer = await PubSubEndpoints.publish(body: body, to: app.publisher)
        if answer.status != 200 {
            Log.info("publish refused with \(answer.status): \(answer.bodyText)")
        }
        return HTTPResponse(answer)
    }

    static func stats(app: ServerApp) async -> HTTPResponse {
        HTTPResponse(await PubSubEndpoints.stats(of: app.gateway))
    }
}

extension HTTPResponse {
    /// The HTTP/1.1 form of a host-neutral answer.
    init(_ answer: EndpointResponse) {
        self.init(
            status: answer.status, reason: HTTPResponse.reasonPhrase(for: answer.status),
            headers: [("Content-Type", answer.contentType)], body: answer.body)
    }
}
