import NIOCore
import WebSocketCodec
import WebSocketPubSub

/// One TCP connection: an HTTP request head, then either a plain HTTP exchange (`/events`,
/// `/stats`) or a WebSocket session driven by the library's handshake and connection state machine.
///
/// Everything here runs on the channel's event loop. A pub/sub connection is a ``PubSubSession`` of the
/// app's ``SessionHub``: the handler hands it every text and binary message and the end of the
/// socket; the session handles messages in order, runs `$disconnect` after the last one, and writes
/// replies and published messages through ``NIOSessionTransport``, which calls back here.
///
/// This file holds the state and the channel events; the work is split by responsibility:
/// `ConnectionHandler+HTTP.swift` (request head, `POST /events`, `GET /stats`, `/demo`),
/// `+Upgrade.swift` (the handshake and `$connect` around the 101), `+WebSocket.swift` (frames,
/// the session's inbound and outbound, closing) and `+KeepAlive.swift` (pings after silence).
final class ConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum Phase {
        case readingHead
        case readingBody(HTTP1RequestHead, expected: Int)
        /// A response or the `$connect` route is being worked out; bytes that arrive are kept.
        case waiting
        case webSocket
        case closed
    }

    enum Endpoint {
        case pubSub
        case echo
    }

    /// A decoded message waiting for room in the session's inbound queue.
    enum Inbound {
        case text([UInt8])
        case binary
    }

    let app: ServerApp
    var phase = Phase.readingHead
    var context: ChannelHandlerContext!
    var headParser: HTTP1RequestHeadParser
    var body = ByteBuffer()
    var earlyBytes = ByteBuffer()
    var webSocket: WSConnection?
    var endpoint = Endpoint.pubSub
    /// The program's endpoint this plain-HTTP request is for, if any.
    var extraEndpoint: ExtraEndpoint?
    var connectionID: ConnectionID?
    var remoteAddress = "unknown"
    /// The address counted against the connection limits, released exactly once when the channel ends.
    var admittedAddress: String?

    var maxPendingOutboundBytes: Int
    /// The pub/sub session, once the hub has recorded the connection.
    var session: PubSubSession?
    /// Messages decoded but not yet handed to the session: before it exists, and while its queue is
    /// full. Reading pauses while any wait, so this holds at most what one read decoded.
    var pendingInbound = CircularBuffer<Inbound>()
    /// Messages handed to the session and not yet handled.
    var submittedInbound = 0
    /// The socket ended before the session existed: tell it as soon as it does.
    var endedBeforeSession = false
    /// Whether published messages go out as the hub's shared compressed payload (RSV1).
    var takesCompressedPayloads = false
    var readPending = false

    var headTimer: Scheduled<Void>?
    var closeTimer: Scheduled<Void>?
    var keepAliveTimer: Scheduled<Void>?
    var lifetimeTimer: Scheduled<Void>?
    var idleTimer: Scheduled<Void>?
    var lastInboundAt = NIODeadline.now()
    /// When the client last sent a message (not a ping or pong), for the idle timeout.
    var lastMessageAt = NIODeadline.now()
    var pingSentAt: NIODeadline?

    init(app: ServerApp) {
        self.app = app
        self.headParser = HTTP1RequestHeadParser(maximumHeadSize: app.configuration.maxHeaderBytes)
        self.maxPendingOutboundBytes = app.configuration.maxPendingOutboundBytes
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    /// Breaks the handler-context cycle: NIO's context keeps its handler for good, so a handler that
    /// kept its context would leak both (and every buffer the handler holds) with each connection.
    /// Callbacks that arrive later (a task's reply, the sender) find the phase closed and do nothing.
    func handlerRemoved(context: ChannelHandlerContext) {
        closeAndStopTimers()
        self.context = nil
    }

    /// Ends the handler's work: no timer fires, and the session learns that its socket is gone.
    func closeAndStopTimers() {
        phase = .closed
        headTimer?.cancel()
        closeTimer?.cancel()
        keepAliveTimer?.cancel()
        lifetimeTimer?.cancel()
        idleTimer?.cancel()
        // The session holds this handler through its transport: drop it here, or the two would keep
        // each other (and every buffer) alive after the channel is gone.
        if let session {
            session.transportClosed()
            self.session = nil
        } else {
            endedBeforeSession = true
        }
        pendingInbound = []
    }

    /// Closes the channel unless the handler has already been removed from it.
    func closeChannel() {
        context?.close(promise: nil)
    }

    func channelActive(context: ChannelHandlerContext) {
        remoteAddress = context.remoteAddress.map(Self.describe) ?? "unknown"
        let host = context.remoteAddress?.ipAddress ?? remoteAddress
        guard app.registry.admit(address: host, configuration: app.configuration) else {
            Log.info("refused connection from \(remoteAddress): connection limit reached")
            context.close(promise: nil)
            return
        }
        admittedAddress = host
        headTimer = context.eventLoop.assumeIsolated().scheduleTask(in: app.configuration.requestHeadTimeout.timeAmount)
        { [weak self] in
            self?.closeChannel()
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        let wasWebSocket = webSocket != nil
        closeAndStopTimers()
        if let admittedAddress {
            app.registry.release(address: admittedAddress)
            self.admittedAddress = nil
        }
        if wasWebSocket {
            app.registry.unregister(context.channel)
            Log.info("close \(connectionID?.description ?? "echo session") from \(remoteAddress)")
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        switch phase {
        case .readingHead:
            readHead(&buffer)
        case .readingBody(let head, let expected):
            body.writeBuffer(&buffer)
            if body.readableBytes >= expected { finishBody(head, expected: expected) }
        case .waiting:
            // A client may pipeline its first frames behind the upgrade request; keep a bounded amount.
            if earlyBytes.readableBytes + buffer.readableBytes > app.configuration.maxHeaderBytes {
                context.close(promise: nil)
            } else {
                earlyBytes.writeBuffer(&buffer)
            }
        case .webSocket:
            receiveWebSocket(buffer)
        case .closed:
            break
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// Reading pauses while the peer does not read what we write, or while its messages queue up
    /// for the pub/sub core, so that a fast writer cannot make the server buffer without bound.
    func read(context: ChannelHandlerContext) {
        if shouldPauseReading {
            readPending = true
        } else {
            context.read()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        resumeReadingIfPossible()
        context.fireChannelWritabilityChanged()
    }

    var shouldPauseReading: Bool {
        // Once closed, reading only drains the peer's last bytes until it closes too.
        if case .closed = phase { return false }
        return !pendingInbound.isEmpty || submittedInbound >= app.configuration.maxQueuedInboundMessages
            || !context.channel.isWritable
    }

    func resumeReadingIfPossible() {
        guard context != nil else { return }
        if readPending && !shouldPauseReading {
            readPending = false
            context.read()
        }
    }
}

extension HTTPResponse {
    static func methodNotAllowed(allow: String) -> HTTPResponse {
        var response = HTTPResponse.error(405, "Method Not Allowed", "this path accepts \(allow) only")
        response.headers.append(("Allow", allow))
        return response
    }
}

extension Duration {
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
