/// The status code of a close frame (RFC 6455 §7.4).
///
/// An open set: 3000-3999 are registered by libraries and frameworks and 4000-4999 are private,
/// so codes are a struct with static constants, not an enum with an `unknown` case.
public struct WSCloseCode: RawRepresentable, Hashable, Sendable {
    /// The code's numeric value.
    public var rawValue: UInt16

    /// Creates a close code; any value is representable, ``isValidOnWire`` says whether it may be sent.
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// Creates a close code from its numeric value.
    public init(_ rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// 1000: the purpose of the connection was fulfilled.
    public static let normalClosure = WSCloseCode(1000)
    /// 1001: the endpoint is going away (server shutdown, page navigation).
    public static let goingAway = WSCloseCode(1001)
    /// 1002: the peer violated the protocol.
    public static let protocolError = WSCloseCode(1002)
    /// 1003: the endpoint received a kind of data it cannot accept (say, binary when it only takes text).
    public static let unsupportedData = WSCloseCode(1003)
    /// 1004: reserved; never valid on the wire.
    public static let reserved = WSCloseCode(1004)
    /// 1005: reported locally when a close frame had no status code; never valid on the wire.
    public static let noStatusReceived = WSCloseCode(1005)
    /// 1006: reported locally when the connection ended without a close frame; never valid on the wire.
    public static let abnormalClosure = WSCloseCode(1006)
    /// 1007: a message's data did not match its type (invalid UTF-8 in text).
    public static let invalidFramePayloadData = WSCloseCode(1007)
    /// 1008: a message violated the endpoint's policy.
    public static let policyViolation = WSCloseCode(1008)
    /// 1009: a message was too big to process.
    public static let messageTooBig = WSCloseCode(1009)
    /// 1010: (client) the server did not negotiate an extension the client requires.
    public static let mandatoryExtension = WSCloseCode(1010)
    /// 1011: (server) an unexpected condition prevented the server from fulfilling the request.
    public static let internalServerError = WSCloseCode(1011)
    /// 1012: the service is restarting (IANA registry).
    public static let serviceRestart = WSCloseCode(1012)
    /// 1013: try again later, the service is overloaded (IANA registry).
    public static let tryAgainLater = WSCloseCode(1013)
    /// 1014: a gateway or proxy got an invalid response from upstream (IANA registry).
    public static let badGateway = WSCloseCode(1014)
    /// 1015: reported locally when the TLS handshake failed; never valid on the wire.
    public static let tlsHandshakeFailure = WSCloseCode(1015)

    /// Whether the code may appear in a close frame (RFC 6455 §7.4 and the IANA registry).
    ///
    /// Valid: 1000-1003, 1007-1014, 3000-4999. Invalid: 0-999, 1004-1006, 1015, 1016-2999, 5000 and up.
    public var isValidOnWire: Bool {
        switch rawValue {
        case 1000...1003, 1007...1014, 3000...4999: true
        default: false
        }
    }
}
