import NIOCore
import NIOHTTP1
import NIOWebSocket
import Vapor
import WebSocketKit

/// Vapor's WebSocket upgrade, with the pub/sub endpoint's limits and checks in the pipeline.
///
/// Vapor's own `WebSocketUpgrader` installs websocket-kit with no bound on a fragmented message; this
/// one puts an ``InboundFrameGuard`` between NIO's frame decoder and websocket-kit.
struct PubSubWebSocketUpgrader: Upgrader {
    /// The largest message (and so frame) a client may send.
    let maxMessageBytes: Int
    /// The subprotocol selected from the client's offer, if any.
    let subprotocol: String?
    /// Called on the channel's event loop once websocket-kit is installed, before any frame is read.
    let onUpgrade: @Sendable (WebSocket, any Channel) -> Void

    func applyUpgrade(req: Request, res: Response) -> any HTTPServerProtocolUpgrader {
        let headers: HTTPHeaders = subprotocol.map { ["Sec-WebSocket-Protocol": $0] } ?? [:]
        let maxMessageBytes = self.maxMessageBytes
        let onUpgrade = self.onUpgrade
        return NIOWebSocketServerUpgrader(
            // NIO's decoder refuses a frame over this from its header, before buffering its payload.
            maxFrameSize: maxMessageBytes,
            automaticErrorHandling: false,
            shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture(headers) },
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    let frameGuard = InboundFrameGuard(maxMessageBytes: maxMessageBytes)
                    try channel.pipeline.syncOperations.addHandler(frameGuard)
                    return NIOLoopBound(frameGuard, eventLoop: channel.eventLoop)
                }.flatMap { frameGuard in
                    var configuration = WebSocket.Configuration()
                    // The guard already bounds messages; this keeps websocket-kit's buffer bounded too.
                    configuration.maxAccumulatedFrameSize = maxMessageBytes
                    return WebSocket.server(on: channel, config: configuration) { webSocket in
                        frameGuard.value.webSocket = webSocket
                        onUpgrade(webSocket, channel)
                    }
                }
            }
        )
    }
}
