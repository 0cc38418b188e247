import Foundation
import Testing
import WebSocketPubSub
import WebSocketPubSubAWS

// The code Documentation/AWS.md shows, compiled here (check-docs finds each block in this file).

/// The article's two functions on this library: the WebSocket routes and the SQS notifier.
func makeHandlers(region: String, tableName: String, managementEndpoint: URL) -> (
    sockets: WebSocketEventHandler, notifications: NotificationHandler
)? {
    guard let credentials = AWSCredentials.fromEnvironment() else { return nil }
    let table = PubSubTable(
        name: tableName,
        client: DynamoDBClient(
            configuration: .init(
                endpoint: DynamoDBClient.Configuration.awsEndpoint(region: region), region: region,
                credentials: credentials)))
    let connections = DynamoDBConnectionStore(table: table)
    let subscriptions = DynamoDBSubscriptionStore(table: table)

    // $connect, $disconnect, subscribe, unsubscribe, $default: replies as route responses.
    let sockets = WebSocketEventHandler(
        gateway: PubSubGateway(connections: connections, subscriptions: subscriptions))

    // EventBridge -> SQS -> this: each subscriber gets a signed POST to @connections; 410 removes it.
    let managementAPI = APIGatewayManagementClient(
        configuration: .init(
            endpoint: managementEndpoint, region: region, credentials: credentials, maxInFlightRequests: 64))
    let notifier = Notifier(
        connections: connections, subscriptions: subscriptions, sender: managementAPI,
        retryPolicy: RetryPolicy(maxAttempts: 4, deadline: .seconds(10)))
    let notifications = NotificationHandler(notifier: notifier)
    return (sockets, notifications)
}

/// Bytes in, bytes out: what any Lambda runtime hands over and expects back.
func invoke(_ handlers: (sockets: WebSocketEventHandler, notifications: NotificationHandler), event: [UInt8])
    async -> [UInt8]
{
    if ProcessInfo.processInfo.environment["PUBSUB_FUNCTION"] == "notify" {
        return await handlers.notifications.handle(event: event)
    }
    return await handlers.sockets.handle(event: event)
}

struct DocumentationSnippetTests {
    @Test func theGuidesHandlersAreBuiltFromTheEnvironment() {
        let endpoint = APIGatewayManagementClient.Configuration.endpoint(
            domainName: "abcdef1234.execute-api.us-east-1.amazonaws.com", stage: "production")
        #expect(endpoint?.absoluteString == "https://abcdef1234.execute-api.us-east-1.amazonaws.com/production")
        let hasCredentials = AWSCredentials.fromEnvironment() != nil
        let handlers = makeHandlers(region: "us-east-1", tableName: "websocket", managementEndpoint: endpoint!)
        #expect((handlers != nil) == hasCredentials)
    }
}
