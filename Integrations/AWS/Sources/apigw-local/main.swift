// apigw-local: API Gateway's WebSocket API on this machine. Clients connect over WebSocket; every
// $connect, message and $disconnect becomes the proxy event AWS would send, handed in process to the
// article's handler (WebSocketEventHandler over the DynamoDB stores); the management API
// (/@connections/{id}) and an SQS intake (/invoke/notify) are served over HTTP beside it. See
// DESIGN.md, "Contract: apigw-local", and Documentation/AWS.md.
import Foundation
import NIOConcurrencyHelpers
import WebSocketPubSub
import WebSocketPubSubAWS
import WebSocketPubSubNIO

let options: Options
do {
    options = try Options.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    Log.info(error.message)
    exit(2)
}
let environment = ProcessInfo.processInfo.environment
guard let credentials = AWSCredentials.fromEnvironment(environment) else {
    Log.info("apigw-local: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (any values do for moto)")
    exit(2)
}
let region = environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1"

// The article's side: what runs in Lambda on AWS.
let table = PubSubTable(
    name: options.table,
    client: DynamoDBClient(
        configuration: .init(
            endpoint: options.dynamoDBEndpoint, region: region, credentials: credentials, timeout: .seconds(3),
            maxAttempts: 3)))
let storedConnections = DynamoDBConnectionStore(table: table)
let storedSubscriptions = DynamoDBSubscriptionStore(table: table)
let managementAPI = LocalManagementAPI()
let handler = WebSocketEventHandler(
    gateway: PubSubGateway(
        connections: storedConnections, subscriptions: storedSubscriptions,
        configuration: .init(maxSubscriptionsPerConnection: options.server.maxSubscriptionsPerConnection)),
    replies: options.repliesThroughConnections ? .managementAPI(managementAPI) : .routeResponse)
let intake = NotificationHandler(
    notifier: Notifier(connections: storedConnections, subscriptions: storedSubscriptions, sender: managementAPI))

// API Gateway's side: sockets, routes, limits, the management API.
let port = NIOLockedValueBox(options.server.port)
let events = ProxyEvents(domainName: { "\(options.server.host):\(port.withLockedValue { $0 })" }, stage: options.stage)
let activity = ActivityTable()
let hub = NIOLockedValueBox<SessionHub?>(nil)

/// Hands an event to the handler as bytes, as Lambda would, and reads its response.
@Sendable func invoke(_ event: APIGatewayWebSocketRequest) async -> APIGatewayWebSocketResponse {
    let bytes = (try? JSONEncoder().encode(event)).map(Array.init) ?? []
    let answer = await handler.handle(event: bytes)
    return (try? JSONDecoder().decode(APIGatewayWebSocketResponse.self, from: Data(answer)))
        ?? APIGatewayWebSocketResponse(statusCode: 502, body: "the handler answered no response")
}

var router = MessageRouter()
router.onConnect { request in
    let response = await invoke(events.connect(request, at: Date()))
    guard (200..<300).contains(response.statusCode) else {
        return .reject(status: response.statusCode, reason: response.body ?? "refused by $connect")
    }
    return .accept()
}
@Sendable func forward(_ context: RouteContext, routeKey: String) async -> OutboundMessage? {
    activity.touch(context.connection.id)
    let response = await invoke(events.message(context.message, routeKey: routeKey, connection: context.connection))
    guard let body = response.body, !body.isEmpty else { return nil }
    return OutboundMessage(text: body)
}
for route in ["subscribe", "unsubscribe"] {
    router.on(route) { context in await forward(context, routeKey: route) }
}
router.onDefault { context in await forward(context, routeKey: "$default") }
router.onDisconnect { connection in
    activity.forget(connection.id)
    _ = await invoke(events.disconnect(connection))
}

let endpoints = ManagementEndpoints(hub: hub, activity: activity)
let notify = ExtraEndpoint(
    matches: { method, path in method == "POST" && path == "/invoke/notify" }, maxBodyBytes: 6 * 1024 * 1024,
    respond: { request in EndpointResponse(status: 200, body: await intake.handle(event: request.body)) })
let sweep = ExtraEndpoint(matches: { method, path in method == "POST" && path == "/invoke/sweep" }, respond: sweepNow)

/// `POST /invoke/sweep`: runs the stale-row sweep over the table.
@Sendable func sweepNow(_ request: ExtraEndpointRequest) async -> EndpointResponse {
    // `?ttl=SECONDS`: connections whose last message is older are removed (default: API Gateway's
    // 2-hour lifetime, after which no connection can still be open).
    let ttl = request.target.split(separator: "=").last.flatMap { Int($0) } ?? 7200
    let sweeper = IdleConnectionSweeper(
        connections: storedConnections, subscriptions: storedSubscriptions, timeToLive: .seconds(max(1, ttl)))
    do {
        return EndpointResponse(status: 200, body: Array(#"{"swept":\#(try await sweeper.sweep(now: Date()))}"#.utf8))
    } catch {
        return ManagementEndpoints.message(500, "the sweep failed: \(error)")
    }
}

let localConnections = InMemoryConnectionStore()
let localSubscriptions = InMemorySubscriptionStore()
let app = ServerApp(
    configuration: options.server, router: router, connections: localConnections, subscriptions: localSubscriptions,
    extraEndpoints: [endpoints.connections, notify, sweep]
) { hub in
    Notifier(connections: localConnections, subscriptions: localSubscriptions, sender: hub)
}
hub.withLockedValue { $0 = app.hub }

let status = await ServerRunner(app: app).run { boundPort in
    port.withLockedValue { $0 = boundPort }
    managementAPI.bind(
        .init(
            endpoint: URL(string: "http://127.0.0.1:\(boundPort)")!, region: region, credentials: credentials,
            timeout: .seconds(3)))
    try await table.createIfMissing()
    Log.info("apigw-local: table \(options.table) ready at \(options.dynamoDBEndpoint.absoluteString)")
}
exit(status)
