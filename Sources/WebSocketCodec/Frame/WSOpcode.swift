/// The 4-bit opcode of a WebSocket frame (RFC 6455 §5.2).
///
/// An open set of wire values, so a struct with static constants rather than an enum: a decoder
/// can hold a reserved opcode long enough to reject it with a precise error, and a future
/// extension can name an opcode this library does not know.
public struct WSOpcode: RawRepresentable, Hashable, Sendable {
    /// The opcode's value, `0...15`.
    public let rawValue: UInt8

    /// Creates an opcode from the low four bits of the first header byte; `nil` above 15.
    public init?(rawValue: UInt8) {
        guard rawValue <= 0x0F else { return nil }
        self.rawValue = rawValue
    }

    /// Creates an opcode from a value the caller knows to be at most 15 (the header's low nibble).
    init(uncheckedRawValue: UInt8) {
        self.rawValue = uncheckedRawValue & 0x0F
    }

    /// `0x0`: a later fragment of a fragmented text or binary message.
    public static let continuation = WSOpcode(uncheckedRawValue: 0x0)
    /// `0x1`: the first (or only) frame of a text message, whose payload must be UTF-8.
    public static let text = WSOpcode(uncheckedRawValue: 0x1)
    /// `0x2`: the first (or only) frame of a binary message.
    public static let binary = WSOpcode(uncheckedRawValue: 0x2)
    /// `0x8`: a close frame, which starts or answers the closing handshake.
    public static let close = WSOpcode(uncheckedRawValue: 0x8)
    /// `0x9`: a ping, which the peer must answer with a pong carrying the same payload.
    public static let ping = WSOpcode(uncheckedRawValue: 0x9)
    /// `0xA`: a pong, the answer to a ping (or an unsolicited heartbeat).
    public static let pong = WSOpcode(uncheckedRawValue: 0xA)

    /// Whether this is a control opcode (`0x8...0xF`): control frames must not be fragmented
    /// and carry at most 125 payload bytes.
    public var isControl: Bool { rawValue & 0x08 != 0 }

    /// Whether RFC 6455 reserves this opcode for future use (`0x3...0x7`, `0xB...0xF`); a frame
    /// with a reserved opcode fails the connection.
    public var isReserved: Bool {
        switch rawValue {
        case 0x0, 0x1, 0x2, 0x8, 0x9, 0xA: false
        default: true
        }
    }
}
