import Foundation
import WebSocketPubSub
import WebSocketPubSubAWS

/// Builds the proxy events API Gateway would send for what happens on the emulator's sockets.
struct ProxyEvents: Sendable {
    /// The emulator's `host:port`, standing for the API's domain.
    let domainName: @Sendable () -> String
    /// The stage name in every event.
    let stage: String

    func connect(_ request: ConnectRequest, at date: Date) -> APIGatewayWebSocketRequest {
        var single: [String: String] = [:]
        var multi: [String: [String]] = [:]
        for (name, value) in request.headers {
            if single[name] == nil { single[name] = value }
            multi[name, default: []].append(value)
        }
        var query: [String: String] = [:]
        var multiQuery: [String: [String]] = [:]
        if let queryText = request.path.split(separator: "?", maxSplits: 1).dropFirst().first {
            for pair in queryText.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(parts[0]).removingPercentEncoding ?? String(parts[0])
                let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
                if query[name] == nil { query[name] = value }
                multiQuery[name, default: []].append(value)
            }
        }
        return APIGatewayWebSocketRequest(
            requestContext: context(
                routeKey: "$connect", eventType: .connect, id: request.id, connectedAt: date,
                sourceIp: Self.ipAddress(of: request.remoteAddress), userAgent: request.header("User-Agent")),
            headers: single, multiValueHeaders: multi, queryStringParameters: query.isEmpty ? nil : query,
            multiValueQueryStringParameters: multiQuery.isEmpty ? nil : multiQuery, isBase64Encoded: false)
    }

    func message(_ body: [UInt8], routeKey: String, connection: Connection) -> APIGatewayWebSocketRequest {
        var context = context(
            routeKey: routeKey, eventType: .message, id: connection.id, connectedAt: connection.connectedAt,
            sourceIp: Self.ipAddress(of: connection.remoteAddress), userAgent: nil)
        context.messageId = Self.requestID()
        return APIGatewayWebSocketRequest(
            requestContext: context, body: String(decoding: body, as: UTF8.self), isBase64Encoded: false)
    }

    func disconnect(_ connection: Connection) -> APIGatewayWebSocketRequest {
        var context = context(
            routeKey: "$disconnect", eventType: .disconnect, id: connection.id, connectedAt: connection.connectedAt,
            sourceIp: Self.ipAddress(of: connection.remoteAddress), userAgent: nil)
        context.disconnectStatusCode = 1000
        context.disconnectReason = ""
        return APIGatewayWebSocketRequest(requestContext: context, isBase64Encoded: false)
    }

    private func context(
        routeKey: String, eventType: APIGatewayWebSocketEventType, id: ConnectionID, connectedAt: Date,
        sourceIp: String?, userAgent: String?
    ) -> APIGatewayWebSocketRequest.RequestContext {
        let requestID = Self.requestID()
        var context = APIGatewayWebSocketRequest.RequestContext(
            routeKey: routeKey, eventType: eventType, connectionId: id.rawValue,
            connectedAt: Int64(connectedAt.timeIntervalSince1970 * 1000), domainName: domainName(), stage: stage,
            apiId: "apigwlocal", requestId: requestID,
            requestTimeEpoch: Int64(Date().timeIntervalSince1970 * 1000),
            identity: .init(sourceIp: sourceIp, userAgent: userAgent))
        context.extendedRequestId = requestID
        return context
    }

    /// The address without its port, as API Gateway's `sourceIp` and the article's `ipAddress`.
    static func ipAddress(of address: String?) -> String? {
        guard let address else { return nil }
        if address.hasPrefix("["), let end = address.firstIndex(of: "]") {
            return String(address[address.index(after: address.startIndex)..<end])
        }
        if address.filter({ $0 == ":" }).count == 1, let colon = address.firstIndex(of: ":") {
            return String(address[..<colon])
        }
        return address
    }

    /// A request id in API Gateway's shape: 12 random bytes, base64.
    static func requestID() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<12).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString()
    }
}
