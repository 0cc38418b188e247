import Foundation
import NIOCore
import NIOHTTP1

/// Answers a WebSocket upgrade that `$connect` refused with the refusal's status and
/// `{"error":reason}`.
///
/// Hummingbird answers every upgrade its WebSocket router declines with a bare 400; this handler,
/// added to the channel before Hummingbird writes that answer, rewrites it on its way out.
final class RefusedUpgradeResponder: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let status: HTTPResponseStatus
    private let body: ByteBuffer

    init(status: Int, reason: String) {
        self.status = HTTPResponseStatus(statusCode: status)
        let json = (try? JSONEncoder().encode(["error": reason])) ?? Data(#"{"error":"refused"}"#.utf8)
        self.body = ByteBuffer(bytes: json)
    }

    /// Adds the responder behind the handlers that are there while the upgrade is decided, so that it
    /// sits between the HTTP/1 encoder and the handlers Hummingbird adds to answer a declined upgrade.
    static func install(on channel: any Channel, status: Int, reason: String) async throws {
        try await channel.pipeline.addHandler(RefusedUpgradeResponder(status: status, reason: reason), position: .last)
            .get()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head):
            head.status = status
            head.headers.replaceOrAdd(name: "content-type", value: "application/json")
            head.headers.replaceOrAdd(name: "content-length", value: String(body.readableBytes))
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .body:
            // The declined upgrade's own answer has no body; this one's replaces it.
            promise?.succeed()
        case .end(let trailers):
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            context.write(wrapOutboundOut(.end(trailers)), promise: promise)
        }
    }
}
