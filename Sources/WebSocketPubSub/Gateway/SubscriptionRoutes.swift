/// The built-in `subscribe` and `unsubscribe` routes.
///
/// Each answers only after the store call returned, so the subscription is in effect (or gone)
/// before the client reads the answer; a publish the client triggers next will see it.
struct SubscriptionRoutes: Sendable {
    static let entityKey = "entityId"

    let subscriptions: any SubscriptionStore
    let limit: Int
    let authorize: PubSubGateway.SubscriptionAuthorizer?
    let observer: (any PubSubObserver)?

    func subscribe(_ context: RouteContext) async throws(RouteError) -> OutboundMessage {
        let id = context.connectionID
        let entity: EntityID
        do {
            entity = try Self.entity(of: context)
        } catch {
            observer?.observe(.subscriptionRefused(id, reason: error.message))
            throw error
        }
        if let authorize {
            let decision: SubscriptionDecision
            do {
                decision = try await authorize(context.connection, entity)
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
        let outcome: SubscribeOutcome
        do {
            outcome = try await subscriptions.subscribe(id, to: entity, limit: limit)
        } catch {
            throw RouteError.internalError("the subscription store failed to subscribe: \(error)")
        }
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
        return .subscribed(entity)
    }

    func unsubscribe(_ context: RouteContext) async throws(RouteError) -> OutboundMessage {
        let entity = try Self.entity(of: context)
        let removed: Bool
        do {
            removed = try await subscriptions.unsubscribe(context.connectionID, from: entity)
        } catch {
            throw RouteError.internalError("the subscription store failed to unsubscribe: \(error)")
        }
        if removed {
            observer?.observe(.subscriptionRemoved(context.connectionID, entity))
        }
        return .unsubscribed(entity)
    }

    /// The valid entity named by the message, or the error reply that says what is wrong with it.
    static func entity(of context: RouteContext) throws(RouteError) -> EntityID {
        let member: JSONMember?
        do {
            member = try context.member(entityKey)
        } catch {
            // The router already validated the message, so only a duplicated key can fail here.
            throw RouteError(code: .invalidEntityID, message: "the \"\(entityKey)\" field appears more than once")
        }
        guard let member else {
            throw RouteError(
                code: .missingEntityID, message: "\"\(context.action)\" needs an \"\(entityKey)\" string field")
        }
        guard let text = member.string else {
            throw RouteError(
                code: .invalidEntityID, message: "the \"\(entityKey)\" field must be a string, not \(member.kind)")
        }
        do {
            return try EntityID(validating: text)
        } catch {
            throw RouteError(code: .invalidEntityID, message: error.description)
        }
    }

    private static func quoted(_ entity: EntityID) -> String {
        var bytes: [UInt8] = []
        JSONEscaping.appendQuoted(entity.rawValue, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
