public import Foundation

/// The pub/sub API of one server: a ``MessageRouter`` with built-in `subscribe` and `unsubscribe` routes,
/// wired to the stores, the authorization hooks and an observer.
///
/// A host that holds its sockets uses it through ``SessionHub`` and ``PubSubSession``, which call it
/// in the right order and without a store read per message. A host that keeps no sockets (a
/// serverless function behind an API gateway) calls four methods, one per thing that happens to a
/// WebSocket:
/// - ``connect(_:)`` during the handshake: runs the `$connect` authorizer and records the connection,
///   or says which HTTP status to refuse it with (or ``authorize(_:)`` and ``record(_:)`` apart);
/// - ``handle(text:from:)-(_,ConnectionID)`` for every text message: returns the reply to send back, if any;
/// - ``handleBinary(from:)`` for every binary message: always an error reply, never a close;
/// - ``disconnect(_:)`` once the socket is gone: removes the record and every subscription.
///
/// Application errors (bad JSON, unknown action, invalid entity, limits, refusals, failing stores)
/// are all error replies `{"error":"…","code":"…"}`; nothing here closes a connection or traps.
///
/// The host must not call ``handle(text:from:)-(_,ConnectionID)`` for a connection after starting its
/// ``disconnect(_:)``, or a subscribe still in flight could outlive the clean-up (a session
/// guarantees it).
///
/// ```swift
/// let gateway = PubSubGateway(
///     connections: InMemoryConnectionStore(), subscriptions: InMemorySubscriptionStore())
/// switch await gateway.connect(id: .random(), remoteAddress: "203.0.113.7:50312", subprotocol: "websocket") {
/// case .accepted(let connection): // complete the upgrade, remember connection.id
/// case .rejected(let status, let reason): // answer `status` with `reason`, close
/// }
/// let reply = await gateway.handle(text: Array(#"{"action":"subscribe","entityId":"game-42"}"#.utf8), from: id)
/// // reply?.bytes == {"status":"subscribed","entityId":"game-42"}
/// await gateway.disconnect(id)
/// ```
public struct PubSubGateway: Sendable {
    /// Decides whether `connection` may subscribe to `entity`; an error thrown is an `internal_error` reply.
    public typealias SubscriptionAuthorizer = @Sendable (Connection, EntityID) async throws -> SubscriptionDecision

    /// The router, with the built-in routes added.
    public var router: MessageRouter { parts.router }
    /// Where connection records live.
    public var connections: any ConnectionStore { parts.connections }
    /// Where subscriptions live.
    public var subscriptions: any SubscriptionStore { parts.subscriptions }
    /// The limits in force.
    public var configuration: Configuration { parts.configuration }
    /// Where entities' recent messages are kept for recovery; `nil` keeps no history. The
    /// ``Notifier`` appends to the same store.
    public var history: (any HistoryStore)? { parts.history }

    /// Everything behind one reference: a gateway is handed to every session and copied on its way,
    /// and a copy then costs one retain instead of one per field.
    private let parts: Parts

    private final class Parts: Sendable {
        let router: MessageRouter
        let connections: any ConnectionStore
        let subscriptions: any SubscriptionStore
        let configuration: Configuration
        let history: (any HistoryStore)?
        let builtIns: SubscriptionRoutes
        let observer: (any PubSubObserver)?
        let now: @Sendable () -> Date

        init(
            router: MessageRouter, connections: any ConnectionStore, subscriptions: any SubscriptionStore,
            configuration: Configuration, history: (any HistoryStore)?,
            authorizeSubscription: SubscriptionAuthorizer?, observer: (any PubSubObserver)?,
            now: @escaping @Sendable () -> Date
        ) {
            let builtIns = SubscriptionRoutes(
                subscriptions: subscriptions, history: history, limit: configuration.maxSubscriptionsPerConnection,
                authorize: authorizeSubscription, observer: observer)
            var router = router
            if !router.hasRoute("subscribe") {
                router.on("subscribe", builtIn: .subscribe) { context in try await builtIns.subscribe(context) }
            }
            if !router.hasRoute("unsubscribe") {
                router.on("unsubscribe", builtIn: .unsubscribe) { context in try await builtIns.unsubscribe(context) }
            }
            self.router = router
            self.builtIns = builtIns
            self.history = history
            self.connections = connections
            self.subscriptions = subscriptions
            self.configuration = configuration
            self.observer = observer
            self.now = now
        }
    }

    /// Creates a gateway.
    ///
    /// - Parameters:
    ///   - router: Your routes and hooks. `subscribe` and `unsubscribe` are added unless you
    ///     registered routes of those names yourself.
    ///   - connections: The connection store.
    ///   - subscriptions: The subscription store.
    ///   - history: The history store the notifier appends to; with one, a subscribe answers the
    ///     entity's position and may recover from a `since` position (see `Documentation/Recovery.md`).
    ///   - configuration: Limits, such as subscriptions per connection (default 128).
    ///   - authorizeSubscription: Asked before every subscribe; `nil` allows all.
    ///   - observer: Receives a ``PubSubEvent`` for everything that happens; with `nil`, no event is built.
    ///   - now: The clock for `connectedAt` and `lastActiveAt`; tests inject a fixed one.
    public init(
        router: MessageRouter = MessageRouter(),
        connections: any ConnectionStore,
        subscriptions: any SubscriptionStore,
        history: (any HistoryStore)? = nil,
        configuration: Configuration = Configuration(),
        authorizeSubscription: SubscriptionAuthorizer? = nil,
        observer: (any PubSubObserver)? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        parts = Parts(
            router: router, connections: connections, subscriptions: subscriptions, configuration: configuration,
            history: history, authorizeSubscription: authorizeSubscription, observer: observer, now: now)
    }

    /// Authorizes a handshake and, if accepted, records the connection with `connectedAt` = now.
    ///
    /// The same as ``authorize(_:)`` followed by ``record(_:)``. An authorizer that throws, or a store
    /// that fails to record the connection, refuses the handshake with status 500; nothing is
    /// recorded then.
    public func connect(_ request: ConnectRequest) async -> ConnectResult {
        switch await authorize(request) {
        case .rejected(let status, let reason):
            return .rejected(status: status, reason: reason)
        case .accepted(let authorized):
            do {
                return .accepted(try await record(authorized))
            } catch {
                return .rejected(status: 500, reason: "the connection could not be recorded")
            }
        }
    }

    /// The first half of `$connect`, before the upgrade: runs the authorizer and records nothing.
    ///
    /// A host that must answer a refusal with its HTTP status (before it sends `101`) calls this
    /// from its upgrade decision, then ``record(_:)`` once the upgrade has completed, so that an
    /// upgrade that fails in between leaves no record behind. An authorizer that throws refuses
    /// with 500.
    public func authorize(_ request: ConnectRequest) async -> ConnectAuthorization {
        let decision: ConnectDecision
        do {
            decision = try await parts.router.authorize(request)
        } catch {
            emit(.connectionRejected(request.id, reason: "the $connect authorizer failed: \(error)"))
            return .rejected(status: 500, reason: "the connection could not be authorized")
        }
        switch decision {
        case .reject(let status, let reason):
            emit(.connectionRejected(request.id, reason: reason))
            return .rejected(status: status, reason: reason)
        case .accept(let attributes):
            return .accepted(AuthorizedConnection(request: request, attributes: attributes))
        }
    }

    /// The second half of `$connect`, after the upgrade: records the connection with
    /// `connectedAt` = now and returns the record.
    ///
    /// - Throws: What the connection store threw; nothing is recorded then, and the host closes the
    ///   connection (``SessionHub`` does so with 1011).
    public func record(_ authorized: AuthorizedConnection) async throws -> Connection {
        let request = authorized.request
        let connection = Connection(
            id: request.id, remoteAddress: request.remoteAddress, connectedAt: parts.now(),
            subprotocol: request.subprotocol, attributes: authorized.attributes)
        do {
            try await parts.connections.insert(connection)
        } catch {
            emit(.connectionRejected(request.id, reason: "the connection store failed: \(error)"))
            throw error
        }
        emit(.connectionOpened(connection.id))
        return connection
    }

    /// Authorizes a handshake and, if accepted, records the connection; see ``connect(_:)``.
    public func connect(
        id: ConnectionID = .random(),
        remoteAddress: String? = nil,
        subprotocol: String? = nil,
        path: String = "/",
        headers: [(name: String, value: String)] = []
    ) async -> ConnectResult {
        await connect(
            ConnectRequest(
                id: id, remoteAddress: remoteAddress, subprotocol: subprotocol, path: path, headers: headers))
    }

    /// Routes one text message from `id` and returns the reply to send back, if any.
    ///
    /// For hosts that keep no state between messages (a serverless function): it reads the
    /// connection's record and marks it active on every call, two store operations per message.
    /// A host that holds its connections uses ``PubSubSession``, which routes with
    /// ``handle(text:from:)-(_,Connection)`` and writes activity at most once per interval.
    public func handle(text message: [UInt8], from id: ConnectionID) async -> OutboundMessage? {
        var connection: Connection
        do {
            guard let stored = try await parts.connections.connection(id) else {
                return fail(id, route: nil, .unknownConnection)
            }
            connection = stored
            let date = parts.now()
            try await parts.connections.touch(id, at: date)
            connection.lastActiveAt = date
        } catch {
            return fail(id, route: nil, .internalError("the connection store failed: \(error)"))
        }
        return await handle(text: message, from: connection)
    }

    /// Routes one text message from `connection`, a record the host already holds, and returns the
    /// reply to send back, if any. No store is read or written besides what the route does.
    ///
    /// With a history store, the reply to a `subscribe` carrying `since` is only its answer: a host
    /// without sessions replays with ``subscribe(_:to:since:)``, which returns the messages to send.
    public func handle(text message: [UInt8], from connection: Connection) async -> OutboundMessage? {
        await reply(toText: message, from: connection, feed: nil)
    }

    /// Routes one text message, running its route's handler only when it cannot be answered at once
    /// (see ``routeImmediately(text:from:feed:)``); the reply to send back, if any.
    ///
    /// Inlined into its callers: a session calls it once per message, and a separate async function
    /// would add an executor check on entry and on return.
    @inline(__always)
    func reply(toText message: [UInt8], from connection: Connection, feed: (any SubscriptionFeed)?) async
        -> OutboundMessage?
    {
        switch routeImmediately(text: message, from: connection, feed: feed) {
        case .answered(let reply): reply
        case .pending(let pending): await complete(pending)
        }
    }

    /// How far ``routeImmediately(text:from:feed:)`` got.
    enum ImmediateRoute {
        /// Handled without suspending; the reply, if any.
        case answered(OutboundMessage?)
        /// The route's handler must run: hand this to ``complete(_:)``.
        case pending(PendingRoute)
    }

    /// A message whose route was chosen and whose handler has yet to run.
    struct PendingRoute {
        fileprivate let routed: MessageRouter.Routed
        fileprivate let message: [UInt8]
        fileprivate let connection: Connection
        fileprivate let feed: (any SubscriptionFeed)?
    }

    /// Routes a message as far as it goes without suspending: a message that fails validation, and
    /// the built-in routes over a store that updates in place (``ImmediateSubscriptionUpdating``), are
    /// answered here, so that a session handles them without an executor hop; any other route is
    /// left ``ImmediateRoute/pending(_:)``.
    func routeImmediately(text message: [UInt8], from connection: Connection, feed: (any SubscriptionFeed)?)
        -> ImmediateRoute
    {
        switch parts.router.dispatch(message) {
        case .refused(let result):
            return .answered(reply(to: result, from: connection.id))
        case .ready(let routed):
            guard let builtIn = routed.builtIn, let entity = routed.entity, parts.builtIns.answersInPlace(builtIn)
            else {
                return .pending(PendingRoute(routed: routed, message: message, connection: connection, feed: feed))
            }
            do throws(RouteError) {
                let reply = try parts.builtIns.answerInPlace(
                    builtIn, entity: entity, action: routed.action, from: connection.id, feed: feed)
                emit(.routeHandled(connection.id, route: routed.route))
                return .answered(reply)
            } catch {
                return .answered(fail(connection.id, route: routed.route, error))
            }
        }
    }

    /// Runs the handler of a message ``routeImmediately(text:from:feed:)`` left pending; its reply.
    func complete(_ pending: PendingRoute) async -> OutboundMessage? {
        let result = await parts.router.run(
            pending.routed, message: pending.message, from: pending.connection, feed: pending.feed)
        return reply(to: result, from: pending.connection.id)
    }

    /// Reports a route's result; the reply to send.
    private func reply(to result: RouteResult, from id: ConnectionID) -> OutboundMessage? {
        switch result {
        case .handled(let route, let reply):
            emit(.routeHandled(id, route: route))
            return reply
        case .failed(let route, let error):
            return fail(id, route: route, error)
        }
    }

    /// Subscribes `connection` to `entity` as the built-in `subscribe` route does (authorizer, limit,
    /// store), and with history returns the entity's position and, from `since`, what to replay.
    ///
    /// For hosts that speak their own protocol: send ``SubscriptionAnswer/replay`` to the client in
    /// order, then the live messages whose offset is above ``SubscriptionAnswer/position``.
    ///
    /// - Throws: The ``RouteError`` the route would answer with (refused, limit reached, store failed).
    public func subscribe(
        _ connection: Connection, to entity: EntityID, since: HistoryPosition? = nil
    ) async throws(RouteError) -> SubscriptionAnswer {
        try await parts.builtIns.subscribe(connection, to: entity, since: since, feed: nil)
    }

    /// Records activity on `id` now; a store failure is reported to the observer and otherwise ignored,
    /// since a missed activity mark only makes the idle sweep consider the connection earlier.
    public func markActive(_ id: ConnectionID) async {
        do {
            try await parts.connections.touch(id, at: parts.now())
        } catch {
            emit(.routeFailed(id, route: nil, reason: "the connection store failed to record activity: \(error)"))
        }
    }

    /// The reply to a binary message: the API speaks JSON text, so always a `binary_message` error
    /// reply; the connection stays open. Touches no store.
    public func binaryReply(to id: ConnectionID) -> OutboundMessage {
        fail(id, route: nil, .binaryMessage)
    }

    /// Answers a binary message: the API speaks JSON text, so this is always a `binary_message` error
    /// reply. The connection stays open and is marked active.
    public func handleBinary(from id: ConnectionID) async -> OutboundMessage {
        do {
            try await parts.connections.touch(id, at: parts.now())
        } catch {
            return fail(id, route: nil, .internalError("the connection store failed: \(error)"))
        }
        return fail(id, route: nil, .binaryMessage)
    }

    /// Removes the connection's record and all its subscriptions, then runs the `$disconnect` handler.
    ///
    /// Calling it again for the same id finds nothing, reports nothing and runs no handler. A store
    /// failure is reported to the observer; the other store is cleaned up regardless.
    public func disconnect(_ id: ConnectionID) async {
        var removed: Connection?
        var subscriptionsRemoved = 0
        do {
            removed = try await parts.connections.remove(id)
        } catch {
            emit(
                .routeFailed(id, route: MessageRouter.disconnectRoute, reason: "the connection store failed: \(error)"))
        }
        do {
            subscriptionsRemoved = try await parts.subscriptions.removeAll(for: id)
        } catch {
            emit(
                .routeFailed(
                    id, route: MessageRouter.disconnectRoute, reason: "the subscription store failed: \(error)"))
        }
        guard removed != nil || subscriptionsRemoved > 0 else { return }
        emit(.connectionClosed(id, subscriptionsRemoved: subscriptionsRemoved))
        guard let removed else { return }
        do {
            try await parts.router.disconnected(removed)
        } catch {
            emit(
                .routeFailed(
                    id, route: MessageRouter.disconnectRoute, reason: "the $disconnect handler failed: \(error)"))
        }
    }

    private func fail(_ id: ConnectionID, route: String?, _ error: RouteError) -> OutboundMessage {
        emit(.routeFailed(id, route: route, reason: error.description))
        return error.reply
    }

    private func emit(_ event: @autoclosure () -> PubSubEvent) {
        if let observer = parts.observer { observer.observe(event()) }
    }
}
