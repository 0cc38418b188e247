public import Foundation

/// Chooses a handler for each JSON text message by its `action` field, and answers every bad
/// message with an error reply instead of a crash or a closed connection.
///
/// Routes are registered by name. Besides them, `$connect` authorizes handshakes (and may attach
/// the caller's identity to the connection), `$disconnect` learns of closed connections, and
/// `$default` receives every action without a route of its own; without one, such messages are
/// answered `{"error":"unknown action \"x\"","code":"unknown_action"}`.
///
/// A router is a value: configure it, then hand it to ``PubSubGateway``, which adds the built-in
/// `subscribe` and `unsubscribe` routes unless you registered your own.
///
/// ```swift
/// struct Chat: Decodable { var text: String }
///
/// var router = MessageRouter()
/// router.onConnect { request in
///     guard let user = request.header("X-User") else { return .unauthorized("missing X-User") }
///     return .accept(attributes: ["user": user])
/// }
/// router.on("ping") { _ in OutboundMessage(text: #"{"pong":true}"#) }
/// router.on("chat", as: Chat.self) { chat, context in
///     try .json(["from": context.connection.attributes["user"] ?? "", "text": chat.text])
/// }
/// ```
public struct MessageRouter: Sendable {
    /// Handles one message; returns the reply to send to the sender, if any.
    ///
    /// Throw a ``RouteError`` to answer with a particular error; any other error is answered with
    /// ``RouteErrorCode/handlerFailed``.
    public typealias Handler = @Sendable (RouteContext) async throws -> OutboundMessage?

    /// Decides whether a handshake may become a connection.
    ///
    /// An error thrown here refuses the handshake with status 500.
    public typealias ConnectAuthorizer = @Sendable (ConnectRequest) async throws -> ConnectDecision

    /// Learns that a connection closed, after its record and subscriptions were removed.
    public typealias DisconnectHandler = @Sendable (Connection) async throws -> Void

    /// The name of the route that receives actions without a route of their own.
    public static let defaultRoute = "$default"
    /// The name under which handshake authorization is reported.
    public static let connectRoute = "$connect"
    /// The name under which disconnection is reported.
    public static let disconnectRoute = "$disconnect"

    /// The top-level key whose string value selects the route.
    public let actionKey: String
    /// The scanner that validates messages and finds their action.
    public let scanner: JSONScanner

    /// Handlers by action, each inside a struct: a closure stored directly in a generic container is
    /// kept at the container's abstraction, and reading it back allocated a thunk per message.
    private var routes = RouteTable<Route>()
    private var defaultHandler: Handler?
    private var connectAuthorizer: ConnectAuthorizer?
    private var disconnectHandler: DisconnectHandler?

    /// Creates a router with no routes.
    ///
    /// - Parameters:
    ///   - actionKey: The top-level key that names the route (default `"action"`).
    ///   - scanner: The JSON scanner, whose depth limit applies to every message.
    public init(actionKey: String = "action", scanner: JSONScanner = JSONScanner()) {
        self.actionKey = actionKey
        self.scanner = scanner
    }

    /// Routes messages whose action is `action` to `handler`, replacing any earlier route of that name.
    ///
    /// Registering `"$default"` is the same as ``onDefault(_:)``.
    public mutating func on(_ action: String, _ handler: @escaping Handler) {
        if action == Self.defaultRoute {
            defaultHandler = handler
        } else {
            routes.set(Route(handler: handler, builtIn: nil), for: action)
        }
    }

    /// Installs one of the gateway's own routes under `action`; the dispatch names it in
    /// ``Routed/builtIn``, so that the gateway can answer it in place without comparing names.
    mutating func on(_ action: String, builtIn: BuiltInRoute, _ handler: @escaping Handler) {
        routes.set(Route(handler: handler, builtIn: builtIn), for: action)
    }

    /// Routes messages whose action is `action` to `handler`, with the whole message decoded as `Body`.
    ///
    /// A message that does not decode is answered with ``RouteErrorCode/invalidBody`` and a text
    /// naming the problem (`missing field "text"`), and `handler` is not called.
    public mutating func on<Body: Decodable & Sendable>(
        _ action: String,
        as body: Body.Type,
        decoder: JSONDecoder = JSONDecoder(),
        _ handler: @escaping @Sendable (Body, RouteContext) async throws -> OutboundMessage?
    ) {
        on(action) { context in
            let decoded: Body
            do {
                decoded = try decoder.decode(Body.self, from: Data(context.message))
            } catch {
                throw RouteError.undecodable(route: context.route, error)
            }
            return try await handler(decoded, context)
        }
    }

    /// Receives every action that has no route of its own, replacing the built-in `unknown_action` reply.
    public mutating func onDefault(_ handler: @escaping Handler) {
        defaultHandler = handler
    }

    /// Authorizes handshakes; without an authorizer every handshake is accepted with no attributes.
    public mutating func onConnect(_ authorizer: @escaping ConnectAuthorizer) {
        connectAuthorizer = authorizer
    }

    /// Learns of every closed connection.
    public mutating func onDisconnect(_ handler: @escaping DisconnectHandler) {
        disconnectHandler = handler
    }

    /// Whether a route named `action` is registered (`$default` is not counted).
    public func hasRoute(_ action: String) -> Bool {
        routes[action] != nil
    }

    /// Validates `message`, finds its action, and runs the matching route.
    ///
    /// Never throws and never traps: every problem is a ``RouteResult/failed(route:error:)``.
    ///
    /// - Complexity: One O(*n*) pass over the message before the handler runs.
    public func route(_ message: [UInt8], from connection: Connection) async -> RouteResult {
        switch dispatch(message) {
        case .ready(let routed): await run(routed, message: message, from: connection, feed: nil)
        case .refused(let result): result
        }
    }

    /// A message whose route was chosen, or why none could be.
    enum Dispatch {
        case ready(Routed)
        case refused(RouteResult)
    }

    /// What the dispatch pass learnt about a message whose route it chose: enough for a route answered
    /// in place, and for the ``RouteContext`` of a handler that runs.
    struct Routed {
        /// Where the handler is: the handler itself is read only when it runs, so that a message
        /// answered without running one (the built-in routes over an in-place store) never retains
        /// a closure every connection's messages share.
        let target: Target
        let action: String
        let route: String
        /// Which of the gateway's own routes this is; `nil` for the user's routes and `$default`.
        let builtIn: BuiltInRoute?
        /// What the same pass found for `entityId`; `nil` when `entityId` is the action key itself.
        let entity: JSONScanCore.SecondMember?
    }

    /// Validates `message` and chooses its route, without suspending: everything ``route(_:from:)``
    /// does before the handler runs.
    ///
    /// The same pass also finds the contract's `entityId` (the context's ``RouteContext/member(_:)``
    /// then answers it without scanning again): the built-in routes read it from every message.
    func dispatch(_ message: [UInt8]) -> Dispatch {
        let member: JSONMember?
        let entity: JSONScanCore.SecondMember
        do {
            (member, entity) = try scanner.members(actionKey, SubscriptionRoutes.entityKey, in: message)
        } catch {
            return .refused(.failed(route: nil, error: .unreadable(error, actionKey: actionKey)))
        }
        guard let member else { return .refused(.failed(route: nil, error: .missingAction(key: actionKey))) }
        guard let action = member.string else {
            return .refused(.failed(route: nil, error: .actionNotAString(key: actionKey, kind: member.kind)))
        }
        let route: String
        let target: Target
        var builtIn: BuiltInRoute?
        if let position = routes.position(of: action) {
            (route, target, builtIn) = (action, .registered(position), routes[position].builtIn)
        } else if let defaultHandler {
            (route, target) = (Self.defaultRoute, .fallback(defaultHandler))
        } else {
            return .refused(.failed(route: Self.defaultRoute, error: .unknownAction(action)))
        }
        let prefetched = actionKey == SubscriptionRoutes.entityKey ? nil : entity
        return .ready(Routed(target: target, action: action, route: route, builtIn: builtIn, entity: prefetched))
    }

    /// Runs the handler ``dispatch(_:)`` chose, turning what it throws into an error reply.
    func run(
        _ routed: Routed, message: [UInt8], from connection: Connection, feed: (any SubscriptionFeed)?
    ) async -> RouteResult {
        var context = RouteContext(
            connection: connection, message: message, action: routed.action, route: routed.route, scanner: scanner)
        context.feed = feed
        if let entity = routed.entity {
            context.prefetched = (SubscriptionRoutes.entityKey, entity)
        }
        let handler: Handler =
            switch routed.target {
            case .registered(let position): routes[position].handler
            case .fallback(let handler): handler
            }
        return await run(handler, context)
    }

    /// Runs `handler` on `context`, turning what it throws into an error reply.
    private func run(_ handler: Handler, _ context: RouteContext) async -> RouteResult {
        do {
            return .handled(route: context.route, reply: try await handler(context))
        } catch let error as RouteError {
            return .failed(route: context.route, error: error)
        } catch {
            let failure = RouteError(
                code: .handlerFailed, message: "the \"\(context.action)\" action failed",
                detail: String(describing: error))
            return .failed(route: context.route, error: failure)
        }
    }

    /// Runs the `$connect` authorizer; accepts with no attributes when there is none.
    ///
    /// A rejection's status outside 400–599 is replaced by 403, so that a host never sends a
    /// success or redirect status for a refused handshake.
    public func authorize(_ request: ConnectRequest) async throws -> ConnectDecision {
        guard let connectAuthorizer else { return .accept() }
        let decision = try await connectAuthorizer(request)
        if case .reject(let status, let reason) = decision, !(400..<600).contains(status) {
            return .reject(status: 403, reason: reason)
        }
        return decision
    }

    /// Runs the `$disconnect` handler, if any.
    public func disconnected(_ connection: Connection) async throws {
        try await disconnectHandler?(connection)
    }
}

extension MessageRouter {
    /// The routes the gateway installs when the user has not registered their own.
    enum BuiltInRoute: Sendable {
        case subscribe
        case unsubscribe
    }

    /// Where ``dispatch(_:)`` found a message's handler.
    enum Target {
        /// The route registered at this position of the table.
        case registered(Int)
        /// The `$default` handler, which always runs.
        case fallback(Handler)
    }

    /// One registered route's handler, and which built-in route it is, if any.
    fileprivate struct Route: Sendable {
        let handler: Handler
        let builtIn: BuiltInRoute?
    }
}
