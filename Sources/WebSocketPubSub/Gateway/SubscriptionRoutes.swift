/// The built-in `subscribe` and `unsubscribe` routes.
///
/// Each answers only after the store call returned, so the subscription is in effect (or gone)
/// before the client reads the answer; a publish the client triggers next will see it.
///
/// With a history store, a subscribe also reads the entity's position (after the store call, so
/// that every publish is either counted in it or delivered live) and, given `since`, the messages
/// to replay; the session it came from queues the answer, the replay and the live messages in that
/// order (``SubscriptionFeed``).
struct SubscriptionRoutes: Sendable {
    static let entityKey = "entityId"
    static let sinceKey = "since"

    let subscriptions: any SubscriptionStore
    let history: (any HistoryStore)?
    let limit: Int
    let authorize: PubSubGateway.SubscriptionAuthorizer?
    let observer: (any PubSubObserver)?
    /// The store again when it updates in place (see ``answerInPlace(_:entity:action:from:feed:)``),
    /// else a stand-in that is never called. Not an optional: calling through an optional
    /// existential copies it first, a retain of the store on every message, written by the sessions
    /// on every core.
    private let immediate: any ImmediateSubscriptionUpdating
    /// Whether `immediate` is the store.
    private let updatesInPlace: Bool
    /// Whether nothing on a subscribe's path can suspend: the store updates in place, and there is
    /// neither an authorizer nor history. Decided once, not per message.
    private let subscribesInPlace: Bool

    init(
        subscriptions: any SubscriptionStore, history: (any HistoryStore)?, limit: Int,
        authorize: PubSubGateway.SubscriptionAuthorizer?, observer: (any PubSubObserver)?
    ) {
        self.subscriptions = subscriptions
        self.history = history
        self.limit = limit
        self.authorize = authorize
        self.observer = observer
        let immediate = subscriptions as? any ImmediateSubscriptionUpdating
        self.immediate = immediate ?? NoImmediateUpdates()
        self.updatesInPlace = immediate != nil
        self.subscribesInPlace = updatesInPlace && authorize == nil && history == nil
    }

    func subscribe(_ context: RouteContext) async throws(RouteError) -> OutboundMessage? {
        let entity = try requestedEntity(context)
        let since: HistoryPosition?
        do {
            // Without history, `since` means nothing and is ignored, as the contract says.
            since = history == nil ? nil : try Self.since(of: context)
        } catch {
            observer?.observe(.subscriptionRefused(context.connectionID, reason: error.message))
            throw error
        }
        let feed = history == nil ? nil : context.feed
        let answer = try await subscribe(context.connection, to: entity, since: since, feed: feed)
        guard let position = answer.position else { return .subscribed(entity) }
        let reply = OutboundMessage.subscribed(entity, position: position, recovered: answer.recovered)
        guard let feed else { return reply }
        let replay = answer.replay.map {
            OutboundMessage.entityEnvelope(
                entityId: entity, json: $0.message, position: HistoryPosition(offset: $0.offset, epoch: position.epoch))
        }
        feed.deliver(entity, answer: reply, replay: replay, position: position)
        return nil
    }

    /// Whether `route` can be answered without suspending: the store updates in place and, for a
    /// subscribe, nothing else on its path can suspend (a subscription authorizer, a history store).
    func answersInPlace(_ route: MessageRouter.BuiltInRoute) -> Bool {
        switch route {
        case .subscribe: subscribesInPlace
        case .unsubscribe: updatesInPlace
        }
    }

    /// The answer to `route`, reached without suspending; only when ``answersInPlace(_:)`` said so.
    ///
    /// Throws rather than returning a `Result` or a ``RouteResult``: the error is large, and the
    /// answer is what almost every message gets, so it travels alone.
    func answerInPlace(
        _ route: MessageRouter.BuiltInRoute, entity member: JSONScanCore.SecondMember, action: String,
        from id: ConnectionID, feed: (any SubscriptionFeed)?
    ) throws(RouteError) -> OutboundMessage {
        switch route {
        case .subscribe:
            let entity = try requested(by: id) { () throws(RouteError) in try Self.entity(member, action: action) }
            try accept(immediate.subscribeImmediately(id, to: entity, limit: limit), id, entity)
            return .subscribed(entity)
        case .unsubscribe:
            let entity = try Self.entity(member, action: action)
            let removed = immediate.unsubscribeImmediately(id, from: entity)
            return unsubscribed(id, feed: feed, from: entity, removed: removed)
        }
    }

    /// The entity a subscribe names; a refusal is reported to the observer.
    private func requested(
        by id: ConnectionID, _ entity: () throws(RouteError) -> EntityID
    ) throws(RouteError) -> EntityID {
        do {
            return try entity()
        } catch {
            observer?.observe(.subscriptionRefused(id, reason: error.message))
            throw error
        }
    }

    /// The entity a subscribe names; a refusal is reported to the observer.
    private func requestedEntity(_ context: RouteContext) throws(RouteError) -> EntityID {
        try requested(by: context.connectionID) { () throws(RouteError) in try Self.entity(of: context) }
    }

    /// Authorizes, subscribes and, with history, reads the position and what to replay.
    func subscribe(
        _ connection: Connection, to entity: EntityID, since: HistoryPosition?, feed: (any SubscriptionFeed)?
    ) async throws(RouteError) -> SubscriptionAnswer {
        let id = connection.id
        if let authorize {
            let decision: SubscriptionDecision
            do {
                decision = try await authorize(connection, entity)
            } catch {
                throw RouteError.internalError("the subscription authorizer failed: \(error)")
            }
            if case .deny(let reason) = decision {
                let refusal = RouteError(
                    code: .notAuthorized, message: "not authorized to subscribe to \(Self.quoted(entity)): \(reason)")
                observer?.observe(.subscriptionRefused(id, reason: refusal.message))
                throw refusal
            }
        }
        feed?.holdPublished(entity)
        do {
            let answer = try await subscribeAndRead(id, to: entity, since: since)
            return answer
        } catch {
            feed?.releaseHeld(entity)
            throw error
        }
    }

    private func subscribeAndRead(
        _ id: ConnectionID, to entity: EntityID, since: HistoryPosition?
    ) async throws(RouteError) -> SubscriptionAnswer {
        let outcome: SubscribeOutcome
        do {
            outcome = try await subscriptions.subscribe(id, to: entity, limit: limit)
        } catch {
            throw RouteError.internalError("the subscription store failed to subscribe: \(error)")
        }
        try accept(outcome, id, entity)
        guard let history else { return SubscriptionAnswer(entityId: entity) }
        let read: HistoryRead
        do {
            read = try await history.read(entity, since: since)
        } catch {
            throw RouteError.internalError("the history store failed to read \(Self.quoted(entity)): \(error)")
        }
        return SubscriptionAnswer(
            entityId: entity, position: read.position, recovered: read.recovered, replay: read.entries)
    }

    /// Reports what the store did; a full connection is the error reply that says so.
    private func accept(_ outcome: SubscribeOutcome, _ id: ConnectionID, _ entity: EntityID) throws(RouteError) {
        switch outcome {
        case .subscribed:
            observer?.observe(.subscriptionAdded(id, entity))
        case .alreadySubscribed:
            break
        case .limitReached(let limit):
            let refusal = RouteError(
                code: .subscriptionLimitReached,
                message: "this connection already has \(limit) subscriptions, the limit; unsubscribe from one first")
            observer?.observe(.subscriptionRefused(id, reason: refusal.message))
            throw refusal
        }
    }

    func unsubscribe(_ context: RouteContext) async throws(RouteError) -> OutboundMessage {
        let entity = try Self.entity(of: context)
        let removed: Bool
        do {
            removed = try await subscriptions.unsubscribe(context.connectionID, from: entity)
        } catch {
            throw RouteError.internalError("the subscription store failed to unsubscribe: \(error)")
        }
        return unsubscribed(context.connectionID, feed: context.feed, from: entity, removed: removed)
    }

    /// Reports a done unsubscribe, drops the session's cursor for the entity, and answers.
    private func unsubscribed(
        _ id: ConnectionID, feed: (any SubscriptionFeed)?, from entity: EntityID, removed: Bool
    ) -> OutboundMessage {
        if removed {
            observer?.observe(.subscriptionRemoved(id, entity))
        }
        feed?.forget(entity)
        return .unsubscribed(entity)
    }

    /// The valid entity named by the message, or the error reply that says what is wrong with it.
    static func entity(of context: RouteContext) throws(RouteError) -> EntityID {
        let member: JSONMember?
        do {
            member = try context.member(entityKey)
        } catch {
            // The router already validated the message, so only a duplicated key can fail here.
            throw duplicatedEntity
        }
        return try entity(member, action: context.action)
    }

    /// The valid entity in what the router's pass found for `entityId`, or the error reply.
    static func entity(_ found: JSONScanCore.SecondMember, action: String) throws(RouteError) -> EntityID {
        switch found {
        case .absent: try entity(nil, action: action)
        case .found(let member): try entity(member, action: action)
        case .duplicated: throw duplicatedEntity
        }
    }

    /// The refusal of a message that holds `entityId` more than once.
    private static var duplicatedEntity: RouteError {
        RouteError(code: .invalidEntityID, message: "the \"\(entityKey)\" field appears more than once")
    }

    /// The valid entity in `found`, the message's `entityId` member, or the error reply that says
    /// what is wrong with it.
    private static func entity(_ found: JSONMember?, action: String) throws(RouteError) -> EntityID {
        guard let found else {
            throw RouteError(code: .missingEntityID, message: "\"\(action)\" needs an \"\(entityKey)\" string field")
        }
        guard let text = found.string else {
            throw RouteError(
                code: .invalidEntityID, message: "the \"\(entityKey)\" field must be a string, not \(found.kind)")
        }
        do {
            return try EntityID(validating: text)
        } catch {
            throw RouteError(code: .invalidEntityID, message: error.description)
        }
    }

    /// The position to recover from, `nil` when the message has no `since`, or the error reply
    /// that says what is wrong with it.
    static func since(of context: RouteContext) throws(RouteError) -> HistoryPosition? {
        func invalid(_ what: String) -> RouteError {
            RouteError(
                code: .invalidSince,
                message: "\"\(sinceKey)\" must be {\"offset\": a non-negative integer, \"epoch\": a string}: \(what)")
        }
        let member: JSONMember?
        do {
            member = try context.member(sinceKey)
        } catch {
            throw invalid("it appears more than once")
        }
        guard let member else { return nil }
        guard member.kind == .object else { throw invalid("it is \(member.kind), not an object") }
        let object = Array(context.message[member.range])
        let offset: JSONMember?
        let epoch: JSONMember?
        do {
            offset = try context.scanner.member("offset", in: object)
            epoch = try context.scanner.member("epoch", in: object)
        } catch {
            throw invalid("a field appears more than once")
        }
        guard let offset else { throw invalid("\"offset\" is missing") }
        let digits = object[offset.range]
        guard offset.kind == .number, !digits.isEmpty, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let value = Int(String(decoding: digits, as: UTF8.self))
        else { throw invalid("\"offset\" is \(String(decoding: digits, as: UTF8.self))") }
        guard let epoch else { throw invalid("\"epoch\" is missing") }
        guard let text = epoch.string else { throw invalid("\"epoch\" is \(epoch.kind), not a string") }
        return HistoryPosition(offset: value, epoch: text)
    }

    private static func quoted(_ entity: EntityID) -> String {
        var bytes: [UInt8] = []
        JSONEscaping.appendQuoted(entity.rawValue, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The stand-in for a store that does not update in place; ``SubscriptionRoutes`` checks
/// `updatesInPlace` before every call, so neither method is ever reached.
private struct NoImmediateUpdates: ImmediateSubscriptionUpdating {
    func subscribeImmediately(_ connection: ConnectionID, to entity: EntityID, limit: Int) -> SubscribeOutcome {
        preconditionFailure("SubscriptionRoutes called a store that does not update in place")
    }

    func unsubscribeImmediately(_ connection: ConnectionID, from entity: EntityID) -> Bool {
        preconditionFailure("SubscriptionRoutes called a store that does not update in place")
    }
}
