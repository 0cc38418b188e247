/// What a route handler knows about the message it handles.
public struct RouteContext: Sendable {
    /// The sender's connection record, with the attributes its `$connect` authorizer attached.
    public var connection: Connection
    /// The message, exactly as received (valid JSON, a top-level object).
    public var message: [UInt8]
    /// The value of the message's action field.
    public var action: String
    /// The route that was chosen: `action` itself, or `"$default"`.
    public var route: String
    /// The scanner that validated the message, for ``member(_:)``.
    public var scanner: JSONScanner
    /// The session the message came from, when a session routes it: the history-aware subscribe
    /// queues its answer and replay through it.
    var feed: (any SubscriptionFeed)?

    /// Creates a context; the router does this for every message.
    public init(connection: Connection, message: [UInt8], action: String, route: String, scanner: JSONScanner) {
        self.connection = connection
        self.message = message
        self.action = action
        self.route = route
        self.scanner = scanner
    }

    /// The sender's identity.
    public var connectionID: ConnectionID { connection.id }

    /// The member `key` of the message's top-level object, if present.
    ///
    /// - Throws: ``JSONScanError`` with ``JSONScanError/Reason/duplicateKey(_:)`` when the key appears twice.
    public func member(_ key: String) throws(JSONScanError) -> JSONMember? {
        try scanner.member(key, in: message)
    }
}
