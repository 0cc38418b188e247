import NIOCore
import NIOWebSocket
import WebSocketCodec
import WebSocketKit

/// Checks every frame between NIO's decoder and websocket-kit, as it arrives.
///
/// websocket-kit assembles a fragmented message with no bound and checks neither UTF-8 nor the
/// frame rules NIO's decoder leaves to others. This handler fails the connection at the first frame
/// that breaks a rule, with the close code RFC 6455 gives it: a message over the limit (1009, before
/// its fragments pile up), invalid UTF-8 in text (1007, at the offending fragment), reserved bits, an
/// unmasked frame, a reserved opcode, fragments out of order or a malformed close payload (1002). After that it passes on only a
/// close frame, and drops the socket after ``closeGrace`` if the peer never answers, as also after
/// NIO's decoder refuses a frame (it reads nothing more, so the close handshake could not complete).
final class InboundFrameGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = WebSocketFrame

    /// How long the peer has to answer a close frame before its socket is closed.
    static let closeGrace: TimeAmount = .seconds(2)

    /// The connection's websocket-kit socket, set when the upgrade completes (before any frame).
    var webSocket: WebSocket?
    private let maxMessageBytes: Int
    /// The opcode of the message whose fragments are arriving, if one is.
    private var message: WebSocketOpcode?
    private var messageBytes = 0
    private var utf8 = UTF8Validator()
    private var failed = false

    init(maxMessageBytes: Int) {
        self.maxMessageBytes = maxMessageBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if failed {
            if frame.opcode == .connectionClose { context.fireChannelRead(data) }
            return
        }
        if let code = violation(in: frame) {
            fail(context: context, code: code)
            return
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // NIO's decoder refused a frame; websocket-kit, next in line, sends the close frame.
        if !failed, error is NIOWebSocketError {
            failed = true
            scheduleClose(context.channel)
        }
        context.fireErrorCaught(error)
    }

    private func violation(in frame: WebSocketFrame) -> WebSocketErrorCode? {
        if frame.rsv1 || frame.rsv2 || frame.rsv3 || frame.maskKey == nil { return .protocolError }
        switch frame.opcode {
        case .connectionClose:
            // websocket-kit echoes any close code; RFC 6455 fails a bad payload (1002, 1007 for the reason).
            do {
                _ = try WSClosePayload(parsing: frame.unmaskedData.readableBytesView)
            } catch {
                return WebSocketErrorCode(codeNumber: Int(error.closeCode.rawValue))
            }
            return nil
        case .ping, .pong:
            return nil  // NIO's decoder already refused fragmented or long control frames
        case .text, .binary:
            guard message == nil else { return .protocolError }
            message = frame.opcode
            messageBytes = 0
            utf8.reset()
        case .continuation:
            guard message != nil else { return .protocolError }
        default:
            return .protocolError
        }
        messageBytes += frame.length
        guard messageBytes <= maxMessageBytes else { return .messageTooLarge }
        if message == .text {
            let valid = frame.unmaskedData.withUnsafeReadableBytes { utf8.validate($0) }
            guard valid, !frame.fin || utf8.finish() else { return .dataInconsistentWithMessage }
        }
        if frame.fin { message = nil }
        return nil
    }

    private func fail(context: ChannelHandlerContext, code: WebSocketErrorCode) {
        failed = true
        if let webSocket {
            webSocket.close(code: code, promise: nil)
        } else {
            context.close(promise: nil)
        }
        scheduleClose(context.channel)
    }

    private func scheduleClose(_ channel: any Channel) {
        channel.eventLoop.scheduleTask(in: Self.closeGrace) { channel.close(promise: nil) }
    }
}
