import Foundation
import NIOConcurrencyHelpers
import Testing
import WebSocketPubSub
import WebSocketPubSubAWS

struct WebSocketEventDecodingTests {
    @Test func connectEventDecodesEveryFieldTheHandlerReads() throws {
        let event = try JSONDecoder().decode(APIGatewayWebSocketRequest.self, from: Data(ExampleEvents.connect.utf8))
        let context = event.requestContext
        #expect(context.routeKey == "$connect")
        #expect(context.eventType == .connect)
        #expect(context.connectionId == "L0SM9cOFvHcCIhw=")
        #expect(context.identity?.sourceIp == "203.0.113.7")
        #expect(context.connectedAt == 1_710_324_930_123)
        #expect(context.domainName == "abcdef1234.execute-api.us-east-1.amazonaws.com")
        #expect(context.stage == "production")
        #expect(event.header("sec-websocket-protocol") == "websocket")
        #expect(event.queryStringParameters == ["token": "abc"])
        #expect(event.body == nil)
    }

    @Test func messageEventKeepsItsBodyAndMessageID() throws {
        let event = try JSONDecoder().decode(
            APIGatewayWebSocketRequest.self,
            from: Data(ExampleEvents.message(#""{\"action\":\"subscribe\",\"entityId\":\"myTestEntityId\"}""#).utf8))
        #expect(event.requestContext.eventType == .message)
        #expect(event.requestContext.messageId == "L0SM9dGkvHcCIhw=")
        #expect(event.body == #"{"action":"subscribe","entityId":"myTestEntityId"}"#)
        #expect(event.isBase64Encoded == false)
    }

    @Test func disconnectEventCarriesTheCloseCodeAndReason() throws {
        let event = try JSONDecoder().decode(APIGatewayWebSocketRequest.self, from: Data(ExampleEvents.disconnect.utf8))
        #expect(event.requestContext.eventType == .disconnect)
        #expect(event.requestContext.disconnectStatusCode == 1001)
        #expect(event.requestContext.disconnectReason == "Going away")
    }

    @Test func anUnknownEventTypeIsADecodingError() {
        let text = ExampleEvents.disconnect.replacingOccurrences(of: "\"DISCONNECT\"", with: "\"RECONNECT\"")
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(APIGatewayWebSocketRequest.self, from: Data(text.utf8))
        }
    }

    @Test func responseEncodesAsLambdaProxyOutput() throws {
        let response = APIGatewayWebSocketResponse(statusCode: 200, headers: ["Sec-WebSocket-Protocol": "websocket"])
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(response)) as? [String: Any]
        #expect(object?["statusCode"] as? Int == 200)
        #expect((object?["headers"] as? [String: String])?["Sec-WebSocket-Protocol"] == "websocket")
    }
}

/// A ``ConnectionMessagePosting`` that records what it was asked to post.
final class RecordingPoster: ConnectionMessagePosting {
    let posts = NIOLockedValueBox<[(ConnectionID, String)]>([])
    let outcome: ManagementAPIOutcome

    init(outcome: ManagementAPIOutcome = .ok) {
        self.outcome = outcome
    }

    func post(_ bytes: [UInt8], to connection: ConnectionID) async -> ManagementAPIOutcome {
        posts.withLockedValue { $0.append((connection, String(decoding: bytes, as: UTF8.self))) }
        return outcome
    }
}

struct WebSocketEventHandlerTests {
    let connections: any ConnectionStore = InMemoryConnectionStore()
    let subscriptions: any SubscriptionStore = InMemorySubscriptionStore()

    func handler(router: MessageRouter = MessageRouter(), replies: WebSocketEventHandler.ReplyDelivery = .routeResponse)
        -> WebSocketEventHandler
    {
        WebSocketEventHandler(
            gateway: PubSubGateway(router: router, connections: connections, subscriptions: subscriptions),
            replies: replies)
    }

    func response(_ handler: WebSocketEventHandler, _ event: String) async throws -> APIGatewayWebSocketResponse {
        let bytes = await handler.handle(event: Array(event.utf8))
        return try JSONDecoder().decode(APIGatewayWebSocketResponse.self, from: Data(bytes))
    }

    @Test func connectRecordsTheGatewaysConnectionIDAndSelectsTheSubprotocol() async throws {
        let answer = try await response(handler(), ExampleEvents.connect)
        #expect(answer.statusCode == 200)
        #expect(answer.headers?["Sec-WebSocket-Protocol"] == "websocket")
        let record = try #require(try await connections.connection(ConnectionID("L0SM9cOFvHcCIhw=")))
        #expect(record.remoteAddress == "203.0.113.7")
        #expect(record.subprotocol == "websocket")
    }

    @Test func aRefusedConnectBecomesTheResponseStatus() async throws {
        var router = MessageRouter()
        router.onConnect { request in
            request.path.contains("token=secret") ? .accept() : .unauthorized("bad token")
        }
        let answer = try await response(handler(router: router), ExampleEvents.connect)
        #expect(answer.statusCode == 401)
        #expect(answer.body == "bad token")
        #expect(try await connections.count() == 0)
    }

    @Test func theAuthorizerSeesTheQueryAndHeaders() async throws {
        var router = MessageRouter()
        router.onConnect { request in
            request.path == "/?token=abc" && request.header("x-forwarded-proto") == "https"
                ? .accept(attributes: ["user": "u1"]) : .unauthorized("no")
        }
        let answer = try await response(handler(router: router), ExampleEvents.connect)
        #expect(answer.statusCode == 200)
        #expect(try await connections.connection(ConnectionID("L0SM9cOFvHcCIhw="))?.attributes == ["user": "u1"])
    }

    @Test func subscribeIsAnsweredAsTheRouteResponse() async throws {
        let handler = handler()
        _ = try await response(handler, ExampleEvents.connect)
        let answer = try await response(
            handler, ExampleEvents.message(#""{\"action\":\"subscribe\",\"entityId\":\"myTestEntityId\"}""#))
        #expect(answer.statusCode == 200)
        #expect(answer.body == #"{"status":"subscribed","entityId":"myTestEntityId"}"#)
        #expect(
            try await subscriptions.subscribers(of: EntityID(validating: "myTestEntityId")) == [
                ConnectionID("L0SM9cOFvHcCIhw=")
            ])
    }

    @Test func repliesGoThroughTheManagementAPIWhenConfigured() async throws {
        let poster = RecordingPoster()
        let handler = handler(replies: .managementAPI(poster))
        _ = try await response(handler, ExampleEvents.connect)
        let answer = try await response(handler, ExampleEvents.message(#""{\"action\":\"nope\"}""#))
        #expect(answer.statusCode == 200)
        #expect(answer.body == nil)
        let posts = poster.posts.withLockedValue { $0 }
        #expect(posts.count == 1)
        #expect(posts.first?.0 == ConnectionID("L0SM9cOFvHcCIhw="))
        #expect(posts.first?.1.contains("unknown_action") == true)
    }

    @Test func aFailedManagementPostFailsTheInvocation() async throws {
        let handler = handler(replies: .managementAPI(RecordingPoster(outcome: .failed("HTTP 429"))))
        _ = try await response(handler, ExampleEvents.connect)
        let answer = try await response(handler, ExampleEvents.message(#""{\"action\":\"nope\"}""#))
        #expect(answer.statusCode == 502)
    }

    @Test func aBinaryMessageIsAnErrorReplyNotAClose() async throws {
        let handler = handler()
        _ = try await response(handler, ExampleEvents.connect)
        let answer = try await response(handler, ExampleEvents.message(#""AAEC""#, base64: true))
        #expect(answer.statusCode == 200)
        #expect(answer.body?.contains("binary_message") == true)
    }

    @Test func aMessageFromAnUnknownConnectionIsAnErrorReply() async throws {
        let answer = try await response(
            handler(), ExampleEvents.message(#""{\"action\":\"subscribe\",\"entityId\":\"e\"}""#))
        #expect(answer.body?.contains("\"error\"") == true)
    }

    @Test func disconnectRemovesTheRecordAndEverySubscription() async throws {
        let handler = handler()
        _ = try await response(handler, ExampleEvents.connect)
        _ = try await response(
            handler, ExampleEvents.message(#""{\"action\":\"subscribe\",\"entityId\":\"myTestEntityId\"}""#))
        let answer = try await response(handler, ExampleEvents.disconnect)
        #expect(answer.statusCode == 200)
        #expect(try await connections.count() == 0)
        #expect(try await subscriptions.count() == 0)
    }

    @Test(arguments: ["", "{}", "[1]", #"{"requestContext":{}}"#, "\u{FF}not json"])
    func bytesThatAreNoEventGetA400(_ text: String) async throws {
        let answer = try await response(handler(), text)
        #expect(answer.statusCode == 400)
    }
}
