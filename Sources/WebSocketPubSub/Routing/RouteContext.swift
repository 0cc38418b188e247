/// What a route handler knows about the message it handles.
public struct RouteContext: Sendable {
    /// The sender's connection record, with the attributes its `$connect` authorizer attached.
    public var connection: Connection
    /// The message, exactly as received (valid JSON, a top-level object).
    public var message: [UInt8] {
        didSet { prefetched = nil }
    }
    /// The value of the message's action field.
    public var action: String
    /// The route that was chosen: `action` itself, or `"$default"`.
    public var route: String
    /// The scanner that validated the message, for ``member(_:)``.
    public var scanner: JSONScanner {
        didSet { prefetched = nil }
    }
    /// The session the message came from, when a session routes it: the history-aware subscribe
    /// queues its answer and replay through it.
    var feed: (any SubscriptionFeed)?
    /// A member the router found in the same pass as the action (`entityId`), so that the routes
    /// that read it scan the message once in all.
    var prefetched: (key: String, member: JSONScanCore.SecondMember)?

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
        if let prefetched, prefetched.key == key {
            switch prefetched.member {
            case .absent: return nil
            case .found(let member): return member
            case .duplicated(let offset): throw JSONScanError(.duplicateKey(key), at: offset)
            }
        }
        return try scanner.member(key, in: message)
    }
}
