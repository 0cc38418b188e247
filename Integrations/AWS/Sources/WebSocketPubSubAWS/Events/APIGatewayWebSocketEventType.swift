/// What a WebSocket proxy event reports: `requestContext.eventType`.
public enum APIGatewayWebSocketEventType: String, Codable, Hashable, Sendable {
    /// The handshake (`$connect`): the response's status accepts or refuses it.
    case connect = "CONNECT"
    /// A message from the client, on its route.
    case message = "MESSAGE"
    /// The connection ended (`$disconnect`); best effort: API Gateway may not send it.
    case disconnect = "DISCONNECT"
}
