import Foundation
public import WebSocketPubSub

/// The article's WebSocket functions in one: maps API Gateway's proxy events onto a ``PubSubGateway``.
///
/// - `CONNECT` runs the `$connect` authorizer and records the connection under the gateway's
///   `connectionId`; a refusal becomes the response's status (API Gateway then answers the client's
///   handshake with it). An offered subprotocol the gateway accepts goes back in
///   `Sec-WebSocket-Protocol`, which API Gateway requires to complete such a handshake.
/// - `MESSAGE` routes the body on its `action`, as the article's route selection expression does;
///   the reply goes back as the route response (the default) or through the `@connections` API.
/// - `DISCONNECT` removes the connection's record and subscriptions.
///
/// It takes and returns bytes (``handle(event:)``), so any Lambda runtime can call it;
/// `Documentation/AWS.md` shows the wiring for swift-aws-lambda-runtime.
///
/// ```swift
/// let handler = WebSocketEventHandler(gateway: PubSubGateway(connections: table, subscriptions: table))
/// let responseBytes = await handler.handle(event: eventBytes)
/// ```
public struct WebSocketEventHandler: Sendable {
    /// How the reply to a message reaches the client.
    public enum ReplyDelivery: Sendable {
        /// As the route's response body: one round trip, but the route needs a route response
        /// (a two-way route) configured in API Gateway.
        case routeResponse
        /// Posted to the connection's `@connections` URL; the event's response has no body.
        case managementAPI(any ConnectionMessagePosting)
    }

    /// The pub/sub core the events go to.
    public let gateway: PubSubGateway
    /// How replies are delivered.
    public let replies: ReplyDelivery
    /// Subprotocols accepted on `$connect`, in preference order (the article's clients offer `websocket`).
    public let subprotocols: [String]

    /// A handler over `gateway`.
    public init(gateway: PubSubGateway, replies: ReplyDelivery = .routeResponse, subprotocols: [String] = ["websocket"])
    {
        self.gateway = gateway
        self.replies = replies
        self.subprotocols = subprotocols
    }

    /// Decodes an event, handles it and encodes the response. Bytes that are no event get a 400
    /// response saying why; nothing here throws or traps.
    public func handle(event bytes: some Collection<UInt8>) async -> [UInt8] {
        let response: APIGatewayWebSocketResponse
        do {
            let request = try JSONDecoder().decode(APIGatewayWebSocketRequest.self, from: Data(bytes))
            response = await handle(request)
        } catch {
            response = APIGatewayWebSocketResponse(
                statusCode: 400, body: "not an API Gateway WebSocket event: \(error)")
        }
        return Self.encode(response)
    }

    /// Handles one decoded event.
    public func handle(_ request: APIGatewayWebSocketRequest) async -> APIGatewayWebSocketResponse {
        let id = ConnectionID(request.requestContext.connectionId)
        switch request.requestContext.eventType {
        case .connect:
            return await connect(request, id: id)
        case .message:
            let reply: OutboundMessage?
            if request.isBase64Encoded == true {
                reply = await gateway.handleBinary(from: id)
            } else {
                reply = await gateway.handle(text: Array((request.body ?? "").utf8), from: id)
            }
            guard let reply else { return APIGatewayWebSocketResponse(statusCode: 200) }
            switch replies {
            case .routeResponse:
                return APIGatewayWebSocketResponse(statusCode: 200, body: String(decoding: reply.bytes, as: UTF8.self))
            case .managementAPI(let poster):
                switch await poster.post(reply.bytes, to: id) {
                case .ok, .gone: return APIGatewayWebSocketResponse(statusCode: 200)
                // A failed post fails the invocation, so that API Gateway logs it; the client saw nothing.
                case .failed(let reason): return APIGatewayWebSocketResponse(statusCode: 502, body: reason)
                }
            }
        case .disconnect:
            await gateway.disconnect(id)
            return APIGatewayWebSocketResponse(statusCode: 200)
        }
    }

    private func connect(_ request: APIGatewayWebSocketRequest, id: ConnectionID) async -> APIGatewayWebSocketResponse {
        let offered = (request.header("Sec-WebSocket-Protocol") ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        let selected = subprotocols.first { offered.contains($0) }
        var headers: [(name: String, value: String)] = []
        for (name, values) in request.multiValueHeaders ?? [:] {
            for value in values { headers.append((name, value)) }
        }
        if headers.isEmpty {
            headers = (request.headers ?? [:]).map { (name: $0.key, value: $0.value) }
        }
        let connect = ConnectRequest(
            id: id, remoteAddress: request.requestContext.identity?.sourceIp, subprotocol: selected,
            path: "/" + Self.query(request), headers: headers.sorted { $0.name < $1.name })
        switch await gateway.connect(connect) {
        case .accepted:
            return APIGatewayWebSocketResponse(
                statusCode: 200, headers: selected.map { ["Sec-WebSocket-Protocol": $0] })
        case .rejected(let status, let reason):
            return APIGatewayWebSocketResponse(statusCode: status, body: reason)
        }
    }

    /// `?a=1&b=2` from the event's query parameters (sorted, so the path is the same each time).
    static func query(_ request: APIGatewayWebSocketRequest) -> String {
        var pairs: [(String, String)] = []
        if let multi = request.multiValueQueryStringParameters {
            for (name, values) in multi { for value in values { pairs.append((name, value)) } }
        } else if let single = request.queryStringParameters {
            pairs = single.map { ($0.key, $0.value) }
        }
        guard !pairs.isEmpty else { return "" }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        func encode(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text }
        return "?" + pairs.sorted { $0 < $1 }.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }

    static func encode(_ response: APIGatewayWebSocketResponse) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(response))) ?? Array(#"{"statusCode":500}"#.utf8)
    }
}
