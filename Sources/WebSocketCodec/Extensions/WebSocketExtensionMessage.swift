/// A whole data message as an extension sees it: its opcode, the RSV bits of its first frame and
/// its payload.
public struct WebSocketExtensionMessage: Hashable, Sendable {
    /// `.text` or `.binary`.
    public var opcode: WebSocketOpcode
    /// The RSV bits of the message's first frame.
    public var reservedBits: WebSocketReservedBits
    /// The payload: as received (for ``WebSocketExtension/decode(_:maxPayloadLength:)``) or as
    /// the application gave it (for ``WebSocketExtension/encode(_:)``).
    public var payload: [UInt8]

    /// Creates a message.
    public init(opcode: WebSocketOpcode, reservedBits: WebSocketReservedBits = [], payload: [UInt8]) {
        self.opcode = opcode
        self.reservedBits = reservedBits
        self.payload = payload
    }
}
