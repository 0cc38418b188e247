import NIOCore
import WebSocketCodec
import WebSocketPubSub

/// A WebSocket connection's traffic: frames in through the codec, messages to the session, the
/// session's batches and the echo out, and the closing handshake.
extension ConnectionHandler {
    func receiveWebSocket(_ buffer: ByteBuffer) {
        guard webSocket != nil else { return }
        lastInboundAt = .now()
        pingSentAt = nil
        let result = buffer.withUnsafeReadableBytes { webSocket!.receive($0) }
        for event in result.events {
            switch event {
            case .text(let message):
                lastMessageAt = .now()
                switch endpoint {
                case .echo: send { try $0.sendText(utf8: message.utf8) }
                case .pubSub: enqueue(.text(message.utf8))
                }
            case .binary(let bytes):
                lastMessageAt = .now()
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
    func settleCloseState() {
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

    func armCloseTimer() {
        guard closeTimer == nil else { return }
        let timeout = app.configuration.closeHandshakeTimeout.timeAmount
        closeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [weak self] in
            self?.closeChannel()
        }
    }

    func enqueue(_ message: Inbound) {
        pendingInbound.append(message)
        submitPending()
    }

    /// Hands waiting messages to the session while its queue has room; reading resumes once none wait.
    ///
    /// One at a time, each taken off the list before it is handed over: the session may handle a
    /// message and write its reply before `receive` returns, and a write that fails closes the
    /// channel from inside that call, which empties the list and drops the session.
    func submitPending() {
        let limit = app.configuration.maxQueuedInboundMessages
        while let session, submittedInbound < limit, let message = pendingInbound.popFirst() {
            submittedInbound += 1
            let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
            let loop = context.eventLoop
            // Through the loop even when called on it: `receive` may call this before it returns.
            let handled: @Sendable () -> Void = { loop.execute { loopBound.value.inboundHandled() } }
            switch message {
            case .text(let bytes): session.receive(text: bytes, whenHandled: handled)
            case .binary: session.receiveBinary(whenHandled: handled)
            }
        }
        resumeReadingIfPossible()
    }

    func inboundHandled() {
        submittedInbound -= 1
        submitPending()
    }

    /// Runs one of the state machine's send functions and writes its bytes; does nothing once the
    /// session is closing, since RFC 6455 allows no data after a close frame.
    func send(_ makeFrame: (inout WSConnection) throws -> [UInt8]) {
        guard case .webSocket = phase, webSocket != nil, let bytes = try? makeFrame(&webSocket!) else { return }
        write(bytes: bytes)
    }

    func write(bytes: [UInt8]) {
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        write(buffer)
    }

    func write(_ buffer: ByteBuffer) {
        let size = buffer.readableBytes
        if pendingOutboundBytes + size > maxPendingOutboundBytes, case .webSocket = phase {
            close(code: .policyViolation, reason: "slow reader: outbound buffer over \(maxPendingOutboundBytes) bytes")
            return
        }
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    /// Bytes written to the channel and not yet accepted by the kernel: what a slow reader piles up.
    var pendingOutboundBytes: Int {
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
    func writeAndClose(_ buffer: ByteBuffer) {
        phase = .closed
        let context = self.context!
        context.writeAndFlush(wrapOutboundOut(buffer)).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
