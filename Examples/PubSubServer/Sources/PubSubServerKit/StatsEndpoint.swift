import WebSocketPubSub

/// `GET /stats`: the current counts in the stores.
enum StatsEndpoint {
    static func respond(app: ServerApp) async -> HTTPResponse {
        do {
            let connections = try await app.gateway.connections.count()
            let subscriptions = try await app.gateway.subscriptions.count()
            return .json(200, "OK", "{\"connections\":\(connections),\"subscriptions\":\(subscriptions)}")
        } catch {
            return .error(500, "Internal Server Error", "the stores could not be counted: \(error)")
        }
    }
}
