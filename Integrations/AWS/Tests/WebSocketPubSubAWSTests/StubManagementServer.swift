import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A stand-in for API Gateway's `@connections` API on 127.0.0.1: answers by the connection id's
/// name (`gone…` 410, `throttled…` 429, `broken…` 500, `slow…` after 2 s, anything else 200 after
/// `delay`), and records the requests and the most ever in flight at once.
final class StubManagementServer: Sendable {
    struct Request: Sendable {
        var method: String
        var uri: String
        var authorization: String?
        var body: [UInt8]
    }

    struct State {
        var requests: [Request] = []
        var inFlight = 0
        var maxInFlight = 0
    }

    let state = NIOLockedValueBox(State())
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let delay: TimeAmount
    private let channel: NIOLockedValueBox<(any Channel)?> = NIOLockedValueBox(nil)

    init(delay: TimeAmount = .milliseconds(20)) {
        self.delay = delay
    }

    var port: Int { channel.withLockedValue { $0?.localAddress?.port ?? 0 } }

    func start() async throws {
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(server: self))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        channel.withLockedValue { $0 = server }
    }

    func stop() async {
        let server = channel.withLockedValue { $0 }
        try? await server?.close()
        try? await group.shutdownGracefully()
    }

    final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let server: StubManagementServer
        var head: HTTPRequestHead?
        var body: [UInt8] = []

        init(server: StubManagementServer) {
            self.server = server
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = []
            case .body(var buffer):
                body += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .end:
                guard let head else { return }
                let request = Request(
                    method: head.method.rawValue, uri: head.uri, authorization: head.headers["authorization"].first,
                    body: body)
                server.state.withLockedValue { state in
                    state.requests.append(request)
                    state.inFlight += 1
                    state.maxInFlight = max(state.maxInFlight, state.inFlight)
                }
                let name = head.uri.split(separator: "/").last.map(String.init) ?? ""
                let status: HTTPResponseStatus =
                    name.hasPrefix("gone")
                    ? .gone
                    : name.hasPrefix("throttled")
                        ? .tooManyRequests : name.hasPrefix("broken") ? .internalServerError : .ok
                let wait = name.hasPrefix("slow") ? .seconds(2) : server.delay
                let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
                let server = self.server
                context.eventLoop.scheduleTask(in: wait) {
                    let context = loopBound.value
                    server.state.withLockedValue { $0.inFlight -= 1 }
                    var headers = HTTPHeaders()
                    headers.add(name: "Content-Length", value: "2")
                    context.write(
                        NIOAny(
                            HTTPServerResponsePart.head(
                                HTTPResponseHead(version: .http1_1, status: status, headers: headers))),
                        promise: nil)
                    context.write(
                        NIOAny(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(string: "{}")))), promise: nil)
                    context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)), promise: nil)
                }
            }
        }
    }
}
