import NIOCore
import WebSocketCodec
import WebSocketCompression
import WebSocketPubSub

/// One TCP connection: an HTTP request head, then either a plain HTTP exchange (`/events`,
/// `/stats`) or a WebSocket session driven by the library's handshake and connection state machine.
///
/// Everything here runs on the channel's event loop. A pub/sub connection is a ``PubSubSession`` of the
/// app's ``SessionHub``: the handler hands it every text and binary message and the end of the
/// socket; the session handles messages in order, runs `$disconnect` after the last one, and writes
/// replies and published messages through ``NIOSessionTransport``, which calls back here.
final class ConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Phase {
        case readingHead
        case readingBody(HTTP1RequestHead, expected: Int)
        /// A response or the `$connect` route is being worked out; bytes that arrive are kept.
        case waiting
        case webSocket
        case closed
    }

    private enum Endpoint {
        case pubSub
        case echo
    }

    /// A decoded message waiting for room in the session's inbound queue.
    private enum Inbound {
        case text([UInt8])
        case binary
    }

    private let app: ServerApp
    private var phase = Phase.readingHead
    private var context: ChannelHandlerContext!
    private var headParser: HTTP1RequestHeadParser
    private var body = ByteBuffer()
    private var earlyBytes = ByteBuffer()
    private var webSocket: WSConnection?
    private var endpoint = Endpoint.pubSub
    private var connectionID: ConnectionID?
    private var remoteAddress = "unknown"
    /// The address counted against the connection limits, released exactly once when the channel ends.
    private var admittedAddress: String?

    private var maxPendingOutboundBytes: Int
    /// The pub/sub session, once the hub has recorded the connection.
    private var session: PubSubSession?
    /// Messages decoded but not yet handed to the session: before it exists, and while its queue is
    /// full. Reading pauses while any wait, so this holds at most what one read decoded.
    private var pendingInbound: [Inbound] = []
    /// Messages handed to the session and not yet handled.
    private var submittedInbound = 0
    /// The socket ended before the session existed: tell it as soon as it does.
    private var endedBeforeSession = false
    /// Whether published messages go out as the hub's shared compressed payload (RSV1).
    private var takesCompressedPayloads = false
    private var readPending = false

    private var headTimer: Scheduled<Void>?
    private var closeTimer: Scheduled<Void>?
    private var keepAliveTimer: Scheduled<Void>?
    private var lastInboundAt = NIODeadline.now()
    private var pingSentAt: NIODeadline?

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
    private func closeAndStopTimers() {
        phase = .closed
        headTimer?.cancel()
        closeTimer?.cancel()
        keepAliveTimer?.cancel()
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
    private func closeChannel() {
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

    private var shouldPauseReading: Bool {
        // Once closed, reading only drains the peer's last bytes until it closes too.
        if case .closed = phase { return false }
        return !pendingInbound.isEmpty || submittedInbound >= app.configuration.maxQueuedInboundMessages
            || !context.channel.isWritable
    }

    private func resumeReadingIfPossible() {
        guard context != nil else { return }
        if readPending && !shouldPauseReading {
            readPending = false
            context.read()
        }
    }

    // MARK: HTTP

    private func readHead(_ buffer: inout ByteBuffer) {
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

    private func route(_ head: HTTP1RequestHead, rest: inout ByteBuffer) {
        let path =
            head.target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
            ?? head.target
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

    private func startBody(_ head: HTTP1RequestHead, rest: inout ByteBuffer) {
        if head.headers.contains(name: "transfer-encoding") {
            return respond(.error(411, "Length Required", "send the event with a Content-Length body"))
        }
        guard let lengthText = head.headers["content-length"] else {
            return respond(.error(411, "Length Required", "send the event with a Content-Length body"))
        }
        guard let length = Int(lengthText), length >= 0 else {
            return respond(.error(400, "Bad Request", "Content-Length is not a number"))
        }
        guard length <= app.configuration.maxEventBodyBytes else {
            return respond(
                .error(
                    413, "Content Too Large",
                    "the event body is \(length) bytes; the limit is \(app.configuration.maxEventBodyBytes)")
            )
        }
        phase = .readingBody(head, expected: length)
        body = context.channel.allocator.buffer(capacity: length)
        body.writeBuffer(&rest)
        if body.readableBytes >= length { finishBody(head, expected: length) }
    }

    private func finishBody(_ head: HTTP1RequestHead, expected: Int) {
        phase = .waiting
        let bytes = body.readBytes(length: expected) ?? []
        body = ByteBuffer()
        let app = self.app
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let loop = context.eventLoop
        Task {
            let response = await PubSubHTTPEndpoints.events(body: bytes, app: app)
            loop.execute { loopBound.value.respondFromTask(response) }
        }
    }

    private func respondFromTask(_ response: HTTPResponse) {
        guard case .waiting = phase else { return }
        respond(response)
    }

    /// Writes a complete HTTP response and closes the connection once it is out.
    private func respond(_ response: HTTPResponse) {
        var buffer = context.channel.allocator.buffer(capacity: 256 + response.body.count)
        response.write(into: &buffer)
        writeAndClose(buffer)
    }

    // MARK: WebSocket opening

    private func upgrade(_ head: HTTP1RequestHead) {
        let handshake = app.handshake.respond(to: head)
        guard case .accept(let response, let subprotocol, let extensions) = handshake else {
            writeAndClose(ByteBuffer(bytes: handshake.response))
            return
        }
        let accepted = Acceptance(response: response, subprotocol: subprotocol, extensions: extensions)
        phase = .waiting
        switch endpoint {
        case .echo:
            openWebSocket(accepted)
        case .pubSub:
            openPubSubSession(accepted, head: head)
        }
    }

    /// The 101 to write once the session may open, and the subprotocol it selected.
    private struct Acceptance: Sendable {
        var response: [UInt8]
        var subprotocol: String?
        /// The extensions the negotiator accepted: permessage-deflate or nothing.
        var extensions: [WSExtensionOffer]
    }

    /// `$connect` in two steps around the 101: the authorizer decides first (a refusal is answered
    /// with its HTTP status), the 101 goes out, and only then does the hub record the connection and
    /// open its session, so that a client that leaves before the 101 leaves no record behind.
    private func openPubSubSession(_ accepted: Acceptance, head: HTTP1RequestHead) {
        let id = ConnectionID.random()
        connectionID = id
        let app = self.app
        let loop = context.eventLoop
        let loopBound = NIOLoopBound(self, eventLoop: loop)
        let request = ConnectRequest(
            id: id, remoteAddress: remoteAddress, subprotocol: accepted.subprotocol, path: head.target,
            headers: head.headers.map { (name: $0.name, value: $0.value) })
        let takesCompressedPayloads = Self.takesSharedCompression(accepted.extensions, app.configuration)
        self.takesCompressedPayloads = takesCompressedPayloads
        Task {
            let authorized: AuthorizedConnection
            switch await app.hub.authorize(request) {
            case .rejected(let status, let reason):
                loop.execute {
                    loopBound.value.respondFromTask(.error(status, HTTPResponse.reasonPhrase(for: status), reason))
                }
                return
            case .accepted(let accepted):
                authorized = accepted
            }
            let opened = (try? await loop.submit { loopBound.value.openWebSocket(accepted) }.get()) ?? false
            guard opened else { return }
            let transport = NIOSessionTransport(
                loop: loop, handler: loopBound, acceptsCompressedPayloads: takesCompressedPayloads)
            guard let session = await app.hub.open(authorized, transport: transport) else { return }
            loop.execute { loopBound.value.attach(session) }
        }
    }

    /// Whether the agreed permessage-deflate lets this connection take the hub's compressed payloads:
    /// the server compresses without context, with a window no larger than the one agreed.
    private static func takesSharedCompression(_ agreed: [WSExtensionOffer], _ configuration: ServerConfiguration)
        -> Bool
    {
        guard let deflate = configuration.permessageDeflate else { return false }
        return agreed.contains { element in
            guard let parameters = try? PermessageDeflateParameters(parsing: element, isResponse: true) else {
                return false
            }
            return parameters.serverNoContextTakeover
                && parameters.effectiveServerWindowBits >= deflate.serverMaxWindowBits
        }
    }

    /// The hub has opened the session: hand it what arrived meanwhile, or tell it the socket is gone.
    private func attach(_ session: PubSubSession) {
        if endedBeforeSession {
            session.transportClosed()
            return
        }
        self.session = session
        submitPending()
    }

    /// Sends the 101 and starts speaking WebSocket; `false` if the client left in the meantime.
    @discardableResult
    private func openWebSocket(_ accepted: Acceptance) -> Bool {
        guard case .waiting = phase else { return false }
        let configuration = app.configuration
        let echo = endpoint == .echo
        let limit = echo ? configuration.echoMaxMessageBytes : configuration.maxMessageBytes
        maxPendingOutboundBytes =
            echo ? configuration.echoMaxPendingOutboundBytes : configuration.maxPendingOutboundBytes
        webSocket = WSConnection(
            role: .server,
            configuration: WSConfiguration(
                maxMessageSize: limit,
                maxFrameSize: limit,
                // The Autobahn TestSuite sends 4 MiB in 64-byte fragments on /echo (case 9.3.1).
                maxFramesPerMessage: echo ? 1 << 20 : WSMessageAssembler.defaultMaxFramesPerMessage,
                // Pongs are written in event order, so that a pong answering a ping sent inside a
                // fragmented message precedes that message's echo.
                answersPings: false
            ),
            // The limit above then bounds the decompressed size: inflating stops past it (1009).
            extensions: app.configuration.permessageDeflate.map { deflate in
                accepted.extensions.compactMap {
                    try? PermessageDeflate(role: .server, agreedElement: $0, configuration: deflate)
                }
            } ?? []
        )
        phase = .webSocket
        var response = context.channel.allocator.buffer(capacity: accepted.response.count)
        response.writeBytes(accepted.response)
        context.writeAndFlush(wrapOutboundOut(response), promise: nil)
        // Registered in the same loop turn as the 101 is written, so a shutdown that starts after the
        // client saw the 101 finds the channel; one that started before is told here.
        let handle = WebSocketChannelHandle(
            channel: context.channel, handler: NIOLoopBound(self, eventLoop: context.eventLoop))
        guard app.registry.register(handle) else {
            beginShutdown()
            return true
        }
        Log.info("open \(connectionID?.description ?? "echo session") from \(remoteAddress)")
        scheduleKeepAlive(after: configuration.pingInterval.timeAmount)
        if earlyBytes.readableBytes > 0 {
            let bytes = earlyBytes
            earlyBytes = ByteBuffer()
            receiveWebSocket(bytes)
        }
        return true
    }

    // MARK: WebSocket traffic

    private func receiveWebSocket(_ buffer: ByteBuffer) {
        guard webSocket != nil else { return }
        lastInboundAt = .now()
        pingSentAt = nil
        let result = buffer.withUnsafeReadableBytes { webSocket!.receive($0) }
        for event in result.events {
            switch event {
            case .text(let message):
                switch endpoint {
                case .echo: send { try $0.sendText(utf8: message.utf8) }
                case .pubSub: enqueue(.text(message.utf8))
                }
            case .binary(let bytes):
                switch endpoint {
                case .echo: send { try $0.sendBinary(bytes) }
                case .pubSub: enqueue(.binary)
                }
            case .ping(let payload):
                send { try $0.sendPong(payload) }
            case .protocolError(let error):
                Log.info("closing \(connectionID?.description ?? "echo session") from \(remoteAddress): \(error)")
            default:
                break
            }
        }
        // After the replies to this batch's events: a close frame in the output must go out last.
        if !result.output.isEmpty { write(bytes: result.output) }
        settleCloseState()
    }

    /// Ends the TCP connection once both close frames have passed, or arms the timer that bounds the
    /// wait for the peer's close after ours went out.
    ///
    /// The server shuts down only its sending side (a FIN right behind the close frame, which tells the
    /// peer the server closed first, as RFC 6455 §7.1.1 asks) and keeps reading and discarding until
    /// the peer closes too or the timeout fires. Closing the socket outright while the peer's bytes
    /// are still unread would make the kernel answer with a reset, which can destroy the close frame
    /// in flight.
    private func settleCloseState() {
        guard let webSocket else { return }
        if webSocket.state == .closed {
            guard case .webSocket = phase else { return }
            phase = .closed
            let context = self.context!
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).assumeIsolated()
                .whenComplete { _ in
                    context.close(mode: .output, promise: nil)
                }
            armCloseTimer()
        } else if webSocket.state == .closing {
            armCloseTimer()
        }
    }

    private func armCloseTimer() {
        guard closeTimer == nil else { return }
        let timeout = app.configuration.closeHandshakeTimeout.timeAmount
        closeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [weak self] in
            self?.closeChannel()
        }
    }

    private func enqueue(_ message: Inbound) {
        pendingInbound.append(message)
        submitPending()
    }

    /// Hands waiting messages to the session while its queue has room; reading resumes once none wait.
    private func submitPending() {
        guard let session else { return }
        let limit = app.configuration.maxQueuedInboundMessages
        var handed = 0
        while handed < pendingInbound.count, submittedInbound < limit {
            submittedInbound += 1
            let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
            let loop = context.eventLoop
            let handled: @Sendable () -> Void = { loop.execute { loopBound.value.inboundHandled() } }
            switch pendingInbound[handed] {
            case .text(let bytes): session.receive(text: bytes, whenHandled: handled)
            case .binary: session.receiveBinary(whenHandled: handled)
            }
            handed += 1
        }
        pendingInbound.removeFirst(handed)
        resumeReadingIfPossible()
    }

    private func inboundHandled() {
        submittedInbound -= 1
        submitPending()
    }

    /// Runs one of the state machine's send functions and writes its bytes; does nothing once the
    /// session is closing, since RFC 6455 allows no data after a close frame.
    private func send(_ makeFrame: (inout WSConnection) throws -> [UInt8]) {
        guard case .webSocket = phase, webSocket != nil, let bytes = try? makeFrame(&webSocket!) else { return }
        write(bytes: bytes)
    }

    private func write(bytes: [UInt8]) {
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        write(buffer)
    }

    private func write(_ buffer: ByteBuffer) {
        let size = buffer.readableBytes
        if pendingOutboundBytes + size > maxPendingOutboundBytes, case .webSocket = phase {
            close(code: .policyViolation, reason: "slow reader: outbound buffer over \(maxPendingOutboundBytes) bytes")
            return
        }
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    /// Bytes written to the channel and not yet accepted by the kernel: what a slow reader piles up.
    private var pendingOutboundBytes: Int {
        (try? context.channel.syncOptions?.getOption(.bufferedWritableBytes)) ?? 0
    }

    /// Called by ``NIOSessionTransport`` on this loop: frames and writes a batch of the session's
    /// messages; the future completes when the socket has taken the last of them. `nil` when the
    /// connection no longer takes messages (RFC 6455 allows no data after a close frame).
    func writeMessages(_ messages: [OutboundMessage]) -> EventLoopFuture<Void>? {
        guard case .webSocket = phase, let context, webSocket?.state == .open else { return nil }
        let promise = context.eventLoop.makePromise(of: Void.self)
        for (index, message) in messages.enumerated() {
            let opcode: WSOpcode = message.kind == .text ? .text : .binary
            // The hub compressed it once for every connection like this one (RFC 7692 §7.2.1).
            let compressed = takesCompressedPayloads ? message.compressedPayload : nil
            let payload = compressed ?? message.bytes
            let header = WSFrameEncoder.serverHeaderBytes(
                opcode: opcode, payloadLength: payload.count, reservedBits: compressed == nil ? [] : .rsv1)
            var buffer = context.channel.allocator.buffer(capacity: header.count + payload.count)
            buffer.writeBytes(header)
            buffer.writeBytes(payload)
            context.write(wrapOutboundOut(buffer), promise: index == messages.count - 1 ? promise : nil)
        }
        context.flush()
        return promise.futureResult
    }

    /// Starts the close handshake with `code`; the peer's answer or the timeout ends the connection.
    func close(code: WSCloseCode, reason: String) {
        guard case .webSocket = phase, webSocket != nil else {
            if case .closed = phase {} else { context.close(promise: nil) }
            return
        }
        if let bytes = try? webSocket!.sendClose(code: code, reason: reason) {
            // The close frame bypasses the outbound cap: it is the way out of an over-full buffer.
            var buffer = context.channel.allocator.buffer(capacity: bytes.count)
            buffer.writeBytes(bytes)
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        }
        settleCloseState()
    }

    /// Shutdown: tell the client the server is going away.
    func beginShutdown() {
        switch phase {
        case .webSocket: close(code: .goingAway, reason: "server shutting down")
        case .closed: break
        default: context.close(promise: nil)
        }
    }

    /// Writes the last bytes of a plain-HTTP exchange and closes the connection once they are out.
    private func writeAndClose(_ buffer: ByteBuffer) {
        phase = .closed
        let context = self.context!
        context.writeAndFlush(wrapOutboundOut(buffer)).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    // MARK: Keep-alive

    /// Pings a connection that has been silent for the ping interval, and drops it when the pong
    /// does not come within the ping timeout (no close frame: a peer that does not answer pings
    /// would not answer a close either).
    private func scheduleKeepAlive(after delay: TimeAmount) {
        keepAliveTimer = context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [weak self] in
            self?.keepAliveCheck()
        }
    }

    private func keepAliveCheck() {
        guard case .webSocket = phase else { return }
        let configuration = app.configuration
        let now = NIODeadline.now()
        if let pingSentAt {
            let waited = now - pingSentAt
            if waited >= configuration.pingTimeout.timeAmount {
                Log.info("dropping \(connectionID?.description ?? "echo session") from \(remoteAddress): no pong")
                context.close(promise: nil)
            } else {
                scheduleKeepAlive(after: configuration.pingTimeout.timeAmount - waited)
            }
            return
        }
        let silent = now - lastInboundAt
        if silent >= configuration.pingInterval.timeAmount {
            pingSentAt = now
            send { try $0.sendPing([]) }
            scheduleKeepAlive(after: configuration.pingTimeout.timeAmount)
        } else {
            scheduleKeepAlive(after: configuration.pingInterval.timeAmount - silent)
        }
    }

    private static func describe(_ address: SocketAddress) -> String {
        guard let ip = address.ipAddress, let port = address.port else { return "\(address)" }
        return address.protocol == .inet6 ? "[\(ip)]:\(port)" : "\(ip):\(port)"
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
