import NIOCore
import WebSocketCodec
import WebSocketCompression
import WebSocketPubSub

/// The opening handshake: the 101 (or the refusal's status), `$connect` in two steps around it,
/// and the session the hub opens.
extension ConnectionHandler {
    func upgrade(_ head: HTTP1RequestHead) {
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
    struct Acceptance: Sendable {
        var response: [UInt8]
        var subprotocol: String?
        /// The extensions the negotiator accepted: permessage-deflate or nothing.
        var extensions: [WSExtensionOffer]
    }

    /// `$connect` in two steps around the 101: the authorizer decides first (a refusal is answered
    /// with its HTTP status), the 101 goes out, and only then does the hub record the connection and
    /// open its session, so that a client that leaves before the 101 leaves no record behind.
    func openPubSubSession(_ accepted: Acceptance, head: HTTP1RequestHead) {
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
            case .accepted(let verdict):
                authorized = verdict
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
    static func takesSharedCompression(_ agreed: [WSExtensionOffer], _ configuration: ServerConfiguration)
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
    func attach(_ session: PubSubSession) {
        if endedBeforeSession {
            session.transportClosed()
            return
        }
        self.session = session
        submitPending()
    }

    /// Sends the 101 and starts speaking WebSocket; `false` if the client left in the meantime.
    @discardableResult
    func openWebSocket(_ accepted: Acceptance) -> Bool {
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
                maxFrameSize: echo ? limit : min(limit, configuration.maxFrameBytes ?? limit),
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
        if !echo { scheduleConnectionLimits() }
        if earlyBytes.readableBytes > 0 {
            let bytes = earlyBytes
            earlyBytes = ByteBuffer()
            receiveWebSocket(bytes)
        }
        return true
    }
}
