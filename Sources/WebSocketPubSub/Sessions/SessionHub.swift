/// The sessions this process holds, and the ``ConnectionSender`` that delivers to them.
///
/// A host creates one hub over its ``PubSubGateway``, opens a ``PubSubSession`` for every accepted
/// WebSocket, and gives the hub to its ``Notifier`` as the sender:
///
/// ```swift
/// let gateway = PubSubGateway(connections: InMemoryConnectionStore(), subscriptions: InMemorySubscriptionStore())
/// let hub = SessionHub(gateway: gateway)
/// let notifier = Notifier(connections: gateway.connections, subscriptions: gateway.subscriptions, sender: hub)
/// ```
///
/// A publish only enqueues: ``enqueue(_:to:)`` puts the message on each recipient's outbound queue and
/// returns without waiting for any transport, so a connection whose writes never return stalls no
/// publish and no other connection. A recipient the hub does not hold is reported as its
/// ``UnheldRecipientPolicy`` says: gone in a single process, held elsewhere on a cluster node.
///
/// `$connect` comes in one step (``connect(_:transport:)``) or, for hosts that must answer a refusal
/// with an HTTP status before upgrading, in two: ``authorize(_:)`` before the upgrade, then
/// ``open(_:transport:)`` after it, so that an upgrade that fails in between records nothing.
public final class SessionHub: ImmediateConnectionSender, Sendable {
    private struct State: Sendable {
        var sessions: [ConnectionID: PubSubSession] = [:]
        var isShuttingDown = false
    }

    /// The routes and stores every session's messages go through.
    public let gateway: PubSubGateway
    /// The limits of every session.
    public let configuration: SessionConfiguration
    /// What ``enqueue(_:to:)`` reports for a recipient no session here holds.
    public let unheldRecipients: UnheldRecipientPolicy
    /// Compresses each published message once for the sessions whose transports take compressed
    /// payloads; `nil` sends every message as it is.
    public let broadcastCompressor: (any BroadcastCompressor)?

    let clock: ElapsedClock
    private let state = StoreLock(State())

    /// Creates a hub.
    ///
    /// - Parameters:
    ///   - gateway: The routes and stores.
    ///   - configuration: The sessions' limits and timings.
    ///   - unheldRecipients: ``UnheldRecipientPolicy/gone`` for a single process (the default),
    ///     ``UnheldRecipientPolicy/heldElsewhere`` for a node of a cluster over shared stores.
    ///   - broadcastCompressor: Compresses each published message once for the connections that
    ///     negotiated permessage-deflate without context takeover; `nil` by default.
    ///   - clock: The clock the activity interval is measured on; tests pass a manual clock.
    public init(
        gateway: PubSubGateway,
        configuration: SessionConfiguration = SessionConfiguration(),
        unheldRecipients: UnheldRecipientPolicy = .gone,
        broadcastCompressor: (any BroadcastCompressor)? = nil,
        clock: some Clock<Duration> = ContinuousClock()
    ) {
        self.gateway = gateway
        self.configuration = configuration
        self.unheldRecipients = unheldRecipients
        self.broadcastCompressor = broadcastCompressor
        self.clock = ElapsedClock(clock)
    }

    // MARK: - Opening

    /// The first half of `$connect`: runs the authorizer; records nothing. See
    /// ``PubSubGateway/authorize(_:)``.
    public func authorize(_ request: ConnectRequest) async -> ConnectAuthorization {
        await gateway.authorize(request)
    }

    /// The second half of `$connect`, once the upgrade has completed: records the connection and
    /// opens its session.
    ///
    /// - Returns: The session, or `nil` when it could not be opened: the store failed to record it
    ///   (the hub has asked the transport to close with 1011) or the hub is shutting down (1001).
    public func open(_ authorized: AuthorizedConnection, transport: any SessionTransport) async -> PubSubSession? {
        if case .opened(let session) = await openSession(authorized, transport: transport) { return session }
        return nil
    }

    /// `$connect` in one step: authorizes, records and opens.
    public func connect(_ request: ConnectRequest, transport: any SessionTransport) async -> SessionConnectResult {
        switch await authorize(request) {
        case .rejected(let status, let reason):
            return .rejected(status: status, reason: reason)
        case .accepted(let authorized):
            return await openSession(authorized, transport: transport)
        }
    }

    private func openSession(_ authorized: AuthorizedConnection, transport: any SessionTransport) async
        -> SessionConnectResult
    {
        let shuttingDown = (code: SessionCloseCode.goingAway, reason: "server shutting down")
        if state.withLock({ $0.isShuttingDown }) {
            await transport.close(code: shuttingDown.code, reason: shuttingDown.reason)
            return .failed(closeCode: shuttingDown.code, reason: shuttingDown.reason)
        }
        let connection: Connection
        do {
            connection = try await gateway.record(authorized)
        } catch {
            let reason = "the connection could not be recorded"
            await transport.close(code: SessionCloseCode.internalError, reason: reason)
            return .failed(closeCode: SessionCloseCode.internalError, reason: reason)
        }
        let session = PubSubSession(connection: connection, transport: transport, hub: self, openedAt: clock.now())
        let registered = state.withLock { state in
            guard !state.isShuttingDown else { return false }
            state.sessions[connection.id] = session
            return true
        }
        guard registered else {
            // Shutdown began while the record was written: it did not see this session, so undo it here.
            await gateway.disconnect(connection.id)
            await transport.close(code: shuttingDown.code, reason: shuttingDown.reason)
            return .failed(closeCode: shuttingDown.code, reason: shuttingDown.reason)
        }
        return .opened(session)
    }

    // MARK: - Sessions

    /// The session holding `id`, if this process holds it.
    public func session(_ id: ConnectionID) -> PubSubSession? {
        state.withLock { $0.sessions[id] }
    }

    /// The number of sessions open now.
    public var sessionCount: Int {
        state.withLock { $0.sessions.count }
    }

    /// Forgets a session once its `$disconnect` has run (unless another session took its id since).
    func sessionEnded(_ session: PubSubSession) {
        state.withLock { state in
            if state.sessions[session.id] === session { state.sessions[session.id] = nil }
        }
    }

    /// Refuses new sessions from now on and asks every open one to close with `code`; returns once
    /// every transport has been asked. Each session ends when its host reports the socket closed.
    public func shutdown(code: UInt16 = SessionCloseCode.goingAway, reason: String = "server shutting down") async {
        let sessions = state.withLock { state in
            state.isShuttingDown = true
            return Array(state.sessions.values)
        }
        await withTaskGroup(of: Void.self) { group in
            for session in sessions {
                group.addTask { await session.closeNow(code: code, reason: reason) }
            }
        }
    }

    // MARK: - Delivery

    /// Puts `message` on the outbound queue of every recipient this hub holds; returns those that
    /// did not take it.
    ///
    /// A recipient whose queue is full meets the ``SlowConsumerPolicy`` and is reported
    /// ``SendFailure/Reason/failed(_:)``; a session that is closing is reported
    /// ``SendFailure/Reason/gone``; a recipient no session holds as ``unheldRecipients`` says.
    ///
    /// - Complexity: O(*n*) for *n* recipients, with one hub lock acquisition and one session lock
    ///   acquisition per recipient; no allocation per recipient unless it fails.
    public func enqueue(_ message: OutboundMessage, to recipients: [ConnectionID]) -> [SendFailure] {
        let sessions = state.withLock { state in recipients.map { state.sessions[$0] } }
        var message = message
        if let broadcastCompressor, message.compressedPayload == nil,
            sessions.contains(where: { $0?.acceptsCompressedPayloads == true })
        {
            // Once for every recipient: the same compressed bytes go to each that takes them.
            message.compressedPayload = broadcastCompressor.compressedPayload(message.bytes)
        }
        let unheld: SendFailure.Reason = unheldRecipients == .gone ? .gone : .heldElsewhere
        var failures: [SendFailure] = []
        for (id, session) in zip(recipients, sessions) {
            guard let session else {
                failures.append(SendFailure(connection: id, reason: unheld))
                continue
            }
            if let reason = session.enqueue(message) {
                failures.append(SendFailure(connection: id, reason: reason))
            }
        }
        return failures
    }
}
