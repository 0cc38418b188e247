/// The event API Gateway hands a Lambda proxy integration for each thing that happens to a WebSocket
/// connection: the `$connect` handshake, a message routed by its route selection expression, the
/// `$disconnect`.
///
/// Decoded from the JSON AWS sends; every field AWS may leave out is optional. Fields this library does
/// not read (`extendedRequestId`, `requestTime`, …) are kept where they help tests and the emulator,
/// and unknown ones are ignored.
public struct APIGatewayWebSocketRequest: Codable, Hashable, Sendable {
    /// Header fields of the `$connect` request; `nil` on other events.
    public var headers: [String: String]?
    /// Every value of each header field of the `$connect` request.
    public var multiValueHeaders: [String: [String]]?
    /// The query of the `$connect` request.
    public var queryStringParameters: [String: String]?
    /// Every value of each query parameter of the `$connect` request.
    public var multiValueQueryStringParameters: [String: [String]]?
    /// What API Gateway knows of the connection and the event.
    public var requestContext: RequestContext
    /// The message, for `MESSAGE` events (base64 when ``isBase64Encoded``: a binary message).
    public var body: String?
    /// Whether ``body`` is base64: a binary WebSocket message.
    public var isBase64Encoded: Bool?

    /// An event from its parts.
    public init(
        requestContext: RequestContext,
        headers: [String: String]? = nil,
        multiValueHeaders: [String: [String]]? = nil,
        queryStringParameters: [String: String]? = nil,
        multiValueQueryStringParameters: [String: [String]]? = nil,
        body: String? = nil,
        isBase64Encoded: Bool? = nil
    ) {
        self.requestContext = requestContext
        self.headers = headers
        self.multiValueHeaders = multiValueHeaders
        self.queryStringParameters = queryStringParameters
        self.multiValueQueryStringParameters = multiValueQueryStringParameters
        self.body = body
        self.isBase64Encoded = isBase64Encoded
    }

    /// The `requestContext` object.
    public struct RequestContext: Codable, Hashable, Sendable {
        /// The route chosen: `$connect`, `$disconnect`, `$default` or a custom route's key.
        public var routeKey: String
        /// What happened.
        public var eventType: APIGatewayWebSocketEventType
        /// The connection's id: the path segment of its `@connections` URL.
        public var connectionId: String
        /// When the connection was opened, in milliseconds since 1970.
        public var connectedAt: Int64?
        /// The API's domain, the host of the `@connections` URL.
        public var domainName: String?
        /// The stage, the first path segment of the `@connections` URL.
        public var stage: String?
        /// The API's id.
        public var apiId: String?
        /// The request's id.
        public var requestId: String?
        /// The request's extended id.
        public var extendedRequestId: String?
        /// The message's id, on `MESSAGE` events.
        public var messageId: String?
        /// `IN` for every event a client causes.
        public var messageDirection: String?
        /// When the event happened, as `19/Jul/2023:19:28:16 +0000`.
        public var requestTime: String?
        /// When the event happened, in milliseconds since 1970.
        public var requestTimeEpoch: Int64?
        /// Who called.
        public var identity: Identity?
        /// The close code of a `DISCONNECT` (1000, 1001, 1006, …).
        public var disconnectStatusCode: Int?
        /// Why the connection ended, on `DISCONNECT`.
        public var disconnectReason: String?
        /// What a Lambda authorizer returned as context, on `$connect` and later.
        public var authorizer: [String: String]?

        /// A context from its parts.
        public init(
            routeKey: String,
            eventType: APIGatewayWebSocketEventType,
            connectionId: String,
            connectedAt: Int64? = nil,
            domainName: String? = nil,
            stage: String? = nil,
            apiId: String? = nil,
            requestId: String? = nil,
            messageId: String? = nil,
            requestTimeEpoch: Int64? = nil,
            identity: Identity? = nil,
            disconnectStatusCode: Int? = nil,
            disconnectReason: String? = nil
        ) {
            self.routeKey = routeKey
            self.eventType = eventType
            self.connectionId = connectionId
            self.connectedAt = connectedAt
            self.domainName = domainName
            self.stage = stage
            self.apiId = apiId
            self.requestId = requestId
            self.messageId = messageId
            self.messageDirection = "IN"
            self.requestTimeEpoch = requestTimeEpoch
            self.identity = identity
            self.disconnectStatusCode = disconnectStatusCode
            self.disconnectReason = disconnectReason
        }

        enum CodingKeys: String, CodingKey {
            case routeKey, eventType, connectionId, connectedAt, domainName, stage, apiId, requestId
            case extendedRequestId, messageId, messageDirection, requestTime, requestTimeEpoch, identity
            case disconnectStatusCode, disconnectReason
        }

        /// Decodes the context; an `authorizer` object is not decoded (its values may be any JSON).
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            routeKey = try container.decode(String.self, forKey: .routeKey)
            eventType = try container.decode(APIGatewayWebSocketEventType.self, forKey: .eventType)
            connectionId = try container.decode(String.self, forKey: .connectionId)
            connectedAt = try container.decodeIfPresent(Int64.self, forKey: .connectedAt)
            domainName = try container.decodeIfPresent(String.self, forKey: .domainName)
            stage = try container.decodeIfPresent(String.self, forKey: .stage)
            apiId = try container.decodeIfPresent(String.self, forKey: .apiId)
            requestId = try container.decodeIfPresent(String.self, forKey: .requestId)
            extendedRequestId = try container.decodeIfPresent(String.self, forKey: .extendedRequestId)
            messageId = try container.decodeIfPresent(String.self, forKey: .messageId)
            messageDirection = try container.decodeIfPresent(String.self, forKey: .messageDirection)
            requestTime = try container.decodeIfPresent(String.self, forKey: .requestTime)
            requestTimeEpoch = try container.decodeIfPresent(Int64.self, forKey: .requestTimeEpoch)
            identity = try container.decodeIfPresent(Identity.self, forKey: .identity)
            disconnectStatusCode = try container.decodeIfPresent(Int.self, forKey: .disconnectStatusCode)
            disconnectReason = try container.decodeIfPresent(String.self, forKey: .disconnectReason)
        }
    }

    /// The caller, as API Gateway saw it.
    public struct Identity: Codable, Hashable, Sendable {
        /// The client's IP address (the first `X-Forwarded-For` hop).
        public var sourceIp: String?
        /// The client's `User-Agent`, when sent.
        public var userAgent: String?

        /// An identity with a source address.
        public init(sourceIp: String?, userAgent: String? = nil) {
            self.sourceIp = sourceIp
            self.userAgent = userAgent
        }
    }

    /// The value of the first header field named `name`, compared without regard to ASCII case.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers?.first { $0.key.lowercased() == wanted }?.value
            ?? multiValueHeaders?.first { $0.key.lowercased() == wanted }?.value.first
    }
}
