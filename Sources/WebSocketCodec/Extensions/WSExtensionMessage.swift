/// A whole data message as an extension sees it: its opcode, the RSV bits of its first frame and
/// its payload.
public struct WSExtensionMessage: Hashable, Sendable {
    /// `.text` or `.binary`.
    public var opcode: WSOpcode
    /// The RSV bits of the message's first frame.
    public var reservedBits: WSReservedBits
    /// The payload: as received (for ``WSExtension/decode(_:maxPayloadLength:)``) or as
    /// the application gave it (for ``WSExtension/encode(_:)``).
    public var payload: [UInt8]

    /// Creates a message.
    public init(opcode: WSOpcode, reservedBits: WSReservedBits = [], payload: [UInt8]) {
        self.opcode = opcode
        self.reservedBits = reservedBits
        self.payload = payload
    }
}
