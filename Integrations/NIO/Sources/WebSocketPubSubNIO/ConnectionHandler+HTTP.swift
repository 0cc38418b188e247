import NIOCore
import WebSocketCodec
import WebSocketPubSub

/// The plain-HTTP side of a connection: the request head, `POST /events`, `GET /stats`, `/demo`,
/// and the one response a plain-HTTP connection gets before it closes.
extension ConnectionHandler {
    func readHead(_ buffer: inout ByteBuffer) {
        let step: HTTP1HeadParseResult<HTTP1RequestHead>
        do {
            step = try headParser.parse(buffer.readableBytesView)
        } catch {
            respond(.error(error.status.code, error.status.reasonPhrase, error.reason))
            return
        }
        guard case .complete(let head, let consumed) = step else { return }
        headTimer?.cancel()
        buffer.moveReaderIndex(forwardBy: consumed)
        route(head, rest: &buffer)
    }

    func route(_ head: HTTP1RequestHead, rest: inout ByteBuffer) {
        let path =
            head.target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
            ?? head.target
        if !head.headers.contains(name: "upgrade"),
            let endpoint = app.extraEndpoints.first(where: { $0.matches(head.method, path) })
        {
            extraEndpoint = endpoint
            return startBody(head, rest: &rest, limit: endpoint.maxBodyBytes, requiresLength: false)
        }
        switch path {
        case "/events":
            guard head.method == "POST" else { return respond(.methodNotAllowed(allow: "POST")) }
            startBody(head, rest: &rest)
        case "/stats":
            guard head.method == "GET" else { return respond(.methodNotAllowed(allow: "GET")) }
            phase = .waiting
            let app = self.app
            let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
            let loop = context.eventLoop
            Task {
                let response = await PubSubHTTPEndpoints.stats(app: app)
                loop.execute { loopBound.value.respondFromTask(response) }
            }
        case "/demo" where app.configuration.servesDemoPage && !head.headers.contains(name: "upgrade"):
            respond(head.method == "GET" ? DemoPage.response : .methodNotAllowed(allow: "GET"))
        default:
            guard head.method == "GET" else { return respond(.methodNotAllowed(allow: "GET")) }
            endpoint = path == "/echo" ? .echo : .pubSub
            earlyBytes.writeBuffer(&rest)
            upgrade(head)
        }
    }

    /// Reads a `Content-Length` body of at most `limit` bytes (the events limit by default); without
    /// `requiresLength`, a request with no `Content-Length` has an empty body.
    func startBody(_ head: HTTP1RequestHead, rest: inout ByteBuffer, limit: Int? = nil, requiresLength: Bool = true) {
        let limit = limit ?? app.configuration.maxEventBodyBytes
        if head.headers.contains(name: "transfer-encoding") {
            return respond(.error(411, "Length Required", "send the event with a Content-Length body"))
        }
        guard let lengthText = head.headers["content-length"] ?? (requiresLength ? nil : "0") else {
            return respond(.error(411, "Length Required", "send the event with a Content-Length body"))
        }
        guard let length = Int(lengthText), length >= 0 else {
            return respond(.error(400, "Bad Request", "Content-Length is not a number"))
        }
        guard length <= limit else {
            return respond(
                .error(413, "Content Too Large", "the body is \(length) bytes; the limit is \(limit)")
            )
        }
        phase = .readingBody(head, expected: length)
        body = context.channel.allocator.buffer(capacity: length)
        body.writeBuffer(&rest)
        if body.readableBytes >= length { finishBody(head, expected: length) }
    }

    func finishBody(_ head: HTTP1RequestHead, expected: Int) {
        phase = .waiting
        let bytes = body.readBytes(length: expected) ?? []
        body = ByteBuffer()
        let app = self.app
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let loop = context.eventLoop
        if let endpoint = extraEndpoint {
            let request = ExtraEndpointRequest(
                method: head.method, target: head.target,
                path: head.target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(
                    String.init) ?? head.target,
                headers: head.headers.map { (name: $0.name, value: $0.value) }, body: bytes,
                remoteAddress: remoteAddress)
            Task {
                let response = HTTPResponse(await endpoint.respond(request))
                loop.execute { loopBound.value.respondFromTask(response) }
            }
            return
        }
        Task {
            let response = await PubSubHTTPEndpoints.events(body: bytes, app: app)
            loop.execute { loopBound.value.respondFromTask(response) }
        }
    }

    func respondFromTask(_ response: HTTPResponse) {
        guard case .waiting = phase else { return }
        respond(response)
    }

    /// Writes a complete HTTP response and closes the connection once it is out.
    func respond(_ response: HTTPResponse) {
        var buffer = context.channel.allocator.buffer(capacity: 256 + response.body.count)
        response.write(into: &buffer)
        writeAndClose(buffer)
    }
}
