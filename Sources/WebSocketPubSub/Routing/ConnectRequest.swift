/// What a `$connect` authorizer sees of a WebSocket handshake.
///
/// The host fills it from the upgrade request; the authorizer typically reads a token from
/// ``headers`` or from the query of ``path``.
public struct ConnectRequest: Sendable {
    /// The identity the connection will have if accepted.
    public var id: ConnectionID
    /// The peer's address as the host saw it, if known.
    public var remoteAddress: String?
    /// The subprotocol the handshake selected, if any.
    public var subprotocol: String?
    /// The request target, with its query (`/?token=…`).
    public var path: String
    /// The request's header fields in order, names as sent.
    public var headers: [(name: String, value: String)]

    /// Creates a request description.
    public init(
        id: ConnectionID,
        remoteAddress: String? = nil,
        subprotocol: String? = nil,
        path: String = "/",
        headers: [(name: String, value: String)] = []
    ) {
        self.id = id
        self.remoteAddress = remoteAddress
        self.subprotocol = subprotocol
        self.path = path
        self.headers = headers
    }

    /// The value of the first header field named `name`, compared without regard to ASCII case.
    public func header(_ name: String) -> String? {
        headers.first { Self.equalIgnoringASCIICase($0.name, name) }?.value
    }

    private static func equalIgnoringASCIICase(_ lhs: String, _ rhs: String) -> Bool {
        guard lhs.utf8.count == rhs.utf8.count else { return false }
        return zip(lhs.utf8, rhs.utf8).allSatisfy { left, right in
            let foldedLeft = left >= 0x41 && left <= 0x5A ? left | 0x20 : left
            let foldedRight = right >= 0x41 && right <= 0x5A ? right | 0x20 : right
            return foldedLeft == foldedRight
        }
    }
}
