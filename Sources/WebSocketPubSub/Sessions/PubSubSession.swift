/// One accepted connection as the pub/sub core holds it: its record, its ordered inbound messages,
/// its bounded outbound queue, and the host's ``SessionTransport``.
///
/// A ``SessionHub`` opens sessions; the host then feeds each one what its socket does:
/// - every text message to ``receive(text:whenHandled:)-(_,_)`` (or ``handle(text:)``, which also waits),
///   every binary message to ``receiveBinary()``;
/// - the end of the socket, whoever closed it, to ``transportClosed()``.
///
/// The session handles one connection's messages one at a time, in the order received, whatever the
/// host's callback model (a read loop, a callback per message, a task per message), and runs
/// `$disconnect` once, after the last of them. Replies and published messages share one outbound queue,
/// written by one task at a time in queue order; publishers only ever enqueue, so a transport that
/// stalls holds up its own connection and nothing else. The queue is bounded in messages and bytes,
/// and a message that does not fit meets the hub's ``SlowConsumerPolicy``.
///
/// Activity is written to the connection store at most once per
/// ``SessionConfiguration/activityInterval``, not per message.
///
/// ```swift
/// guard case .opened(let session) = await hub.connect(request, transport: transport) else { return }
/// for try await text in socketMessages { await session.handle(text: text) }
/// session.transportClosed()
/// ```
public final class PubSubSession: SubscriptionFeed, Sendable {
    /// The connection's record, as recorded when the session opened.
    public let connection: Connection

    private let transport: any SessionTransport
    /// The transport again when it takes batches without a task; read once, at open.
    private let callbackTransport: (any CallbackSessionTransport)?
    private let hub: SessionHub
    /// The hub's gateway, held here too: read through the hub, the compiler retains the gateway's
    /// shared parts around each call, a reference count that the sessions on every core would write.
    private let gateway: PubSubGateway
    /// Whether the transport takes ``OutboundMessage/compressedPayload``; read once, at open.
    let acceptsCompressedPayloads: Bool
    private let state: StoreLock<SessionState>
    /// The outcome of the write in flight through ``callbackTransport``; one write at a time.
    private let writeCompletion = WriteCompletion()

    init(connection: Connection, transport: any SessionTransport, hub: SessionHub, openedAt: Duration) {
        self.connection = connection
        self.transport = transport
        self.callbackTransport = transport as? any CallbackSessionTransport
        self.acceptsCompressedPayloads = transport.acceptsCompressedPayloads
        self.hub = hub
        self.gateway = hub.gateway
        self.state = StoreLock(SessionState(openedAt: openedAt))
    }

    /// The connection's id.
    public var id: ConnectionID { connection.id }

    /// Received messages not yet handled (the one being handled included). A host that can stop
    /// reading from its socket pauses while this is high and resumes from a
    /// ``receive(text:whenHandled:)-(_,_)`` callback.
    public var queuedInboundCount: Int {
        state.withLock { $0.queuedInboundCount }
    }

    /// Messages queued for the transport and not yet handed to it.
    public var queuedOutboundCount: Int {
        state.withLock { $0.queuedOutboundCount }
    }

    /// Whether `$disconnect` has run.
    public var isEnded: Bool {
        state.withLock { $0.isEnded }
    }

    // MARK: - Inbound

    /// Takes a received text message; the session handles it after the ones received before it.
    ///
    /// Never waits. When no earlier message waits, no write is in progress, and the message's route
    /// answers without suspending (the built-in routes over a store that adopts
    /// ``ImmediateSubscriptionUpdating``, and every message that fails validation), the message is
    /// handled before `receive` returns, in the caller's thread and with no task; with a
    /// ``CallbackSessionTransport`` its reply is handed to the transport from there too. Otherwise it
    /// is queued for a handler task. When more than ``SessionConfiguration/maxQueuedInboundMessages``
    /// wait, the session closes the connection with 1008 instead.
    ///
    /// `whenHandled` is called once the message has been handled and its reply queued (or at once,
    /// when the message was not queued), possibly before `receive` returns: a host must not call
    /// `receive` holding a lock that `whenHandled` takes.
    public func receive(text: some Collection<UInt8>, whenHandled: (@Sendable () -> Void)? = nil) {
        accept(.text(Array(text)), completion: whenHandled.map { .callback($0) } ?? .none)
    }

    /// Takes a received text message; see ``receive(text:whenHandled:)-(_,_)``.
    public func receive(text: String, whenHandled: (@Sendable () -> Void)? = nil) {
        accept(.text(Array(text.utf8)), completion: whenHandled.map { .callback($0) } ?? .none)
    }

    /// Takes a received binary message; the API speaks JSON text, so it is answered with a
    /// `binary_message` error reply, in order with the text messages around it. Handled at once when
    /// no earlier message waits, as ``receive(text:whenHandled:)-(_,_)`` describes.
    public func receiveBinary(whenHandled: (@Sendable () -> Void)? = nil) {
        accept(.binary, completion: whenHandled.map { .callback($0) } ?? .none)
    }

    /// Queues a received text message and returns once it has been handled and its reply queued.
    ///
    /// For hosts with a sequential read loop: awaiting each message is their backpressure. When no
    /// earlier message waits, the message is handled in the caller's task, without a task of its
    /// own, and when no write is in progress its reply is written from that task too: `handle` then
    /// returns once the transport has taken the reply, so a transport that waits for its peer pauses
    /// this connection's reads (and only them) meanwhile.
    public func handle(text: some Collection<UInt8>) async {
        let claim = claimInline()
        if claim.claimed {
            await handleClaimed(.text(Array(text)), activityDue: claim.activityDue)
            return
        }
        await withCheckedContinuation { continuation in
            submit(.text(Array(text)), completion: .continuation(continuation))
        }
    }

    /// Queues a received text message and returns once it has been handled; see ``handle(text:)-(_)``.
    public func handle(text: String) async {
        await handle(text: text.utf8)
    }

    /// Queues a received binary message and returns once it has been answered.
    public func handleBinary() async {
        let claim = claimInline()
        if claim.claimed {
            await handleClaimed(.binary, activityDue: claim.activityDue)
            return
        }
        await withCheckedContinuation { continuation in
            submit(.binary, completion: .continuation(continuation))
        }
    }

    /// Handles `payload` in the caller's thread when the session is idle (no message waits, no write is
    /// in progress) and its route answers without suspending; hands it to a task of its own when the
    /// session is idle but it must suspend (activity is due, or its route runs a handler); queues it
    /// behind the others otherwise.
    private func accept(_ payload: SessionState.Inbound.Payload, completion: SessionState.Completion) {
        let claim = claimInline(idleWriterOnly: true)
        guard claim.claimed else { return submit(payload, completion: completion) }
        let route: PubSubGateway.ImmediateRoute? = claim.activityDue ? nil : routeImmediately(payload)
        guard case .answered(let reply) = route else {
            // The handler's role is claimed: this task is the handler until the message is handled.
            Task {
                await self.handleClaimed(payload, activityDue: claim.activityDue, routed: route)
                completion.resume()
            }
            return
        }
        if let batch = finishClaimed(reply: reply) {
            if callbackTransport != nil {
                pumpWrites(first: batch)
            } else {
                Task { await self.writeQueued(first: batch) }
            }
        }
        completion.resume()
    }

    private func submit(_ payload: SessionState.Inbound.Payload, completion: SessionState.Completion) {
        let limit = hub.configuration.maxQueuedInboundMessages
        let result = state.withLock { $0.receive(.init(payload: payload, completion: completion), limit: limit) }
        switch result {
        case .queued(let startHandler):
            if startHandler { Task { await self.handleInbound() } }
        case .overflow:
            completion.resume()
            closeTransport(
                code: SessionCloseCode.policyViolation,
                reason: "more than \(limit) messages were waiting to be handled")
        case .ignored:
            completion.resume()
        }
    }

    /// Handles queued messages one at a time until none is left; runs `$disconnect` once the
    /// transport has closed and the last message is handled.
    private func handleInbound() async {
        while true {
            switch state.withLock({ $0.nextInbound() }) {
            case .handle(let message):
                await process(message.payload)
                message.completion.resume()
            case .disconnect:
                await gateway.disconnect(id)
                let waiters = state.withLock { $0.ended() }
                hub.sessionEnded(self)
                for waiter in waiters { waiter.resume() }
                return
            case .idle:
                return
            }
        }
    }

    private func claimInline(idleWriterOnly: Bool = false) -> (claimed: Bool, activityDue: Bool) {
        let now = hub.clock.now()
        let interval = hub.configuration.activityInterval
        return state.withLock { $0.claimInline(now: now, activityInterval: interval, idleWriterOnly: idleWriterOnly) }
    }

    /// Handles a message whose handler role the caller claimed with `claimInline`, then hands what
    /// arrived meanwhile to a handler task. When no write is in progress, the caller also writes the
    /// reply (one batch), so that a request and its answer cost no task and no thread wake-up.
    /// `routed` is the message's route when the caller has already taken it as far as it goes
    /// without suspending.
    @inline(__always)
    private func handleClaimed(
        _ payload: SessionState.Inbound.Payload, activityDue: Bool, routed: PubSubGateway.ImmediateRoute? = nil
    ) async {
        if activityDue { await gateway.markActive(id) }
        let reply = await reply(to: routed ?? routeImmediately(payload))
        guard var batch = finishClaimed(reply: reply), await write(batch) else { return }
        // Emptied here, where (once the transport has let go of it) this is its only reference, and
        // dropped once handed back, so that the session's copy is unique when it is filled again.
        batch.removeAll(keepingCapacity: true)
        let handOff = state.withLock { [batch] in $0.handOffWriting(recycling: batch) }
        batch = []
        if handOff { startWriting() }
    }

    /// Queues the reply of a message handled under a claimed handler role and releases the role,
    /// carrying out what that decided; the batch to write when the reply took the writer's role.
    @inline(__always)
    private func finishClaimed(reply: OutboundMessage?) -> [OutboundMessage]? {
        let configuration = hub.configuration
        var finish = state.withLock { $0.finishInline(reply: reply, configuration: configuration) }
        if finish.close {
            closeTransport(code: SessionCloseCode.policyViolation, reason: "slow consumer: outbound queue full")
        }
        if finish.startHandler { Task { await self.handleInbound() } }
        return finish.batch.take()
    }

    /// Routes one message and queues its reply, starting a writer if none runs.
    private func process(_ payload: SessionState.Inbound.Payload) async {
        // Checked before any await: routing a message costs no extra suspension point for it.
        if activityDue() { await gateway.markActive(id) }
        // A reply that does not fit meets the slow-consumer policy.
        if let reply = await reply(to: routeImmediately(payload)) { _ = enqueue(reply) }
    }

    /// The reply to a message routed as far as it goes without suspending, if any: running its
    /// route's handler when one is left to run (see ``PubSubGateway/routeImmediately(text:from:feed:)``).
    @inline(__always)
    private func reply(to route: PubSubGateway.ImmediateRoute) async -> OutboundMessage? {
        switch route {
        case .answered(let reply): reply
        case .pending(let pending): await gateway.complete(pending)
        }
    }

    /// Routes one message as far as it goes without suspending.
    @inline(__always)
    private func routeImmediately(_ payload: SessionState.Inbound.Payload) -> PubSubGateway.ImmediateRoute {
        switch payload {
        case .text(let bytes): gateway.routeImmediately(text: bytes, from: connection, feed: self)
        case .binary: .answered(gateway.binaryReply(to: id))
        }
    }

    /// Whether activity is due to be written now (and, if so, that it is being written).
    private func activityDue() -> Bool {
        let now = hub.clock.now()
        let interval = hub.configuration.activityInterval
        return state.withLock { $0.activityDue(now: now, interval: interval) }
    }

    // MARK: - Outbound

    /// Queues `message` for this connection alone; `nil` when queued, else why it was not.
    ///
    /// Never waits for the transport. This is what ``SessionHub`` does for each recipient of a publish.
    @discardableResult
    public func send(_ message: OutboundMessage) -> SendFailure.Reason? {
        enqueue(message)
    }

    func enqueue(_ message: OutboundMessage) -> SendFailure.Reason? {
        let configuration = hub.configuration
        return carryOut(state.withLock { $0.enqueue(message, configuration: configuration) })
    }

    /// Starts the writer or closes the transport, as an enqueue decided; the refusal, if any.
    private func carryOut(_ result: SessionState.EnqueueResult) -> SendFailure.Reason? {
        switch result {
        case .queued(let startWriter):
            if startWriter { startWriting() }
            return nil
        case .refused(let reason, let close):
            if close {
                closeTransport(code: SessionCloseCode.policyViolation, reason: "slow consumer: outbound queue full")
            }
            return reason
        }
    }

    /// Drains the queue from a writer task, or through the transport's callbacks when it takes them.
    private func startWriting() {
        if callbackTransport != nil {
            pumpWrites()
        } else {
            Task { await self.writeQueued() }
        }
    }

    /// Hands queued batches to a callback transport until none is left. A completion that comes
    /// before `write` returns lets this loop go on; a later one starts the loop again, so the stack
    /// never grows with the number of batches.
    ///
    /// `first`, when given, is a batch the caller has already taken, as the writer, from the queue.
    private func pumpWrites(first: consuming [OutboundMessage]? = nil) {
        guard let transport = callbackTransport else { return }
        var next = consume first
        var written: [OutboundMessage] = []
        while var batch = next ?? state.withLock({ [written] in $0.takeBatch(recycling: written) }) {
            next = nil
            written = []
            writeCompletion.begin()
            // Captures the session alone, so that the closure needs no allocation of its own.
            transport.write(batch) { written in self.callbackWriteCompleted(written: written) }
            switch writeCompletion.returned() {
            case .pending: return
            case .written:
                // Completed before `write` returned: the transport is done with the batch, whose
                // storage the next batch reuses (a transport that kept a copy only costs this one).
                batch.removeAll(keepingCapacity: true)
                written = batch
            case .failed:
                state.withLock { $0.writeFailed() }
                return
            }
        }
    }

    /// A callback transport's completion: goes on writing when `pumpWrites` has already returned.
    private func callbackWriteCompleted(written: Bool) {
        guard writeCompletion.completeAfterReturn(written: written) else { return }
        if written {
            pumpWrites()
        } else {
            state.withLock { $0.writeFailed() }
        }
    }

    /// Hands queued messages to the transport, a batch at a time, until none is left; `first`, when
    /// given, is a batch the caller has already taken, as the writer, from the queue.
    private func writeQueued(first: [OutboundMessage]? = nil) async {
        var written: [OutboundMessage] = []
        var next = first
        while var batch = next ?? state.withLock({ [written] in $0.takeBatch(recycling: written) }) {
            next = nil
            written = []
            guard await write(batch) else { return }
            batch.removeAll(keepingCapacity: true)
            written = batch
        }
    }

    /// Hands one batch to the transport; `false` when it threw: the connection is gone.
    @inline(__always)
    private func write(_ batch: [OutboundMessage]) async -> Bool {
        do {
            try await transport.write(batch)
            return true
        } catch {
            state.withLock { $0.writeFailed() }
            return false
        }
    }

    // MARK: - History

    func holdPublished(_ entity: EntityID) {
        state.withLock { $0.holdPublished(entity) }
    }

    func deliver(_ entity: EntityID, answer: OutboundMessage, replay: [OutboundMessage], position: HistoryPosition) {
        let configuration = hub.configuration
        let result = state.withLock {
            $0.deliver(entity, answer: answer, replay: replay, position: position, configuration: configuration)
        }
        _ = carryOut(result)
    }

    func releaseHeld(_ entity: EntityID) {
        let configuration = hub.configuration
        _ = carryOut(state.withLock { $0.releaseHeld(entity, configuration: configuration) })
    }

    func forget(_ entity: EntityID) {
        state.withLock { $0.forget(entity) }
    }

    // MARK: - Closing

    /// Closes the connection from the server's side: drops what is queued, refuses further messages,
    /// and asks the transport to close with `code`. The session ends once the host reports the
    /// socket closed with ``transportClosed()``.
    public func close(code: UInt16, reason: String) {
        guard state.withLock({ $0.beginClose() }) else { return }
        closeTransport(code: code, reason: reason)
    }

    /// Like ``close(code:reason:)``, but returns once the transport has been asked to close.
    func closeNow(code: UInt16, reason: String) async {
        guard state.withLock({ $0.beginClose() }) else { return }
        await transport.close(code: code, reason: reason)
    }

    private func closeTransport(code: UInt16, reason: String) {
        Task { await transport.close(code: code, reason: reason) }
    }

    /// Tells the session that its socket has closed, whoever closed it.
    ///
    /// Queued outbound messages are dropped; received messages are still handled, in order, and
    /// then `$disconnect` removes the record and every subscription, once. Call it exactly when the
    /// host learns of the end, even if that is before ``SessionHub/open(_:transport:)`` returned the
    /// session; calling it again does nothing.
    public func transportClosed() {
        guard state.withLock({ $0.transportClosed() }) else { return }
        Task { await self.handleInbound() }
    }

    /// Returns once `$disconnect` has run for this session.
    public func waitUntilEnded() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            if !state.withLock({ $0.waitForEnd(continuation) }) { continuation.resume() }
        }
    }
}
