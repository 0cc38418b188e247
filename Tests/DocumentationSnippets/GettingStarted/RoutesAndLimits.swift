import WebSocketPubSub

/// Documentation/GettingStarted.md, "Add routes, authorization and limits".
func gettingStartedRoutes(
    connections: InMemoryConnectionStore,
    subscriptions: InMemorySubscriptionStore
) -> PubSubGateway {
    var router = MessageRouter()
    router.onConnect { request in
        guard let user = request.header("X-User") else { return .unauthorized("missing X-User") }
        return .accept(attributes: ["user": user])
    }
    router.on("ping") { _ in OutboundMessage(text: #"{"pong":true}"#) }

    let gateway = PubSubGateway(
        router: router,
        connections: connections,
        subscriptions: subscriptions,
        configuration: .init(maxSubscriptionsPerConnection: 32),
        authorizeSubscription: { connection, entity in
            entity.rawValue.hasPrefix("public-") || connection.attributes["user"] == "admin"
                ? .allow : .deny(reason: "private entity")
        }
    )
    return gateway
}
