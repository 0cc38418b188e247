/// One complete WebSocket frame with an owned, unmasked payload.
///
/// The payload is always kept unmasked in memory; ``maskingKey`` only records the key the frame
/// was (or will be) masked with on the wire. Hosts that care about copies and allocations use
/// ``WSFrameDecoder`` and ``WSFrameEncoder`` directly instead of this type.
public struct WSFrame: Hashable, Sendable {
    /// Whether this is the final frame of its message.
    public var fin: Bool
    /// The RSV1-3 bits.
    public var reservedBits: WSReservedBits
    /// The frame's opcode.
    public var opcode: WSOpcode
    /// The key the frame is masked with on the wire; `nil` for an unmasked (server) frame.
    public var maskingKey: WSMaskingKey?
    /// The unmasked payload.
    public var payload: [UInt8]

    /// Creates a frame.
    public init(
        fin: Bool = true,
        reservedBits: WSReservedBits = [],
        opcode: WSOpcode,
        maskingKey: WSMaskingKey? = nil,
        payload: [UInt8] = []
    ) {
        self.fin = fin
        self.reservedBits = reservedBits
        self.opcode = opcode
        self.maskingKey = maskingKey
        self.payload = payload
    }

    /// Creates a frame from a decoded header and its unmasked payload.
    public init(header: WSFrameHeader, payload: [UInt8]) {
        self.init(
            fin: header.fin,
            reservedBits: header.reservedBits,
            opcode: header.opcode,
            maskingKey: header.maskingKey,
            payload: payload
        )
    }

    /// RSV1, the bit permessage-deflate uses.
    public var rsv1: Bool {
        get { reservedBits.contains(.rsv1) }
        set { if newValue { reservedBits.insert(.rsv1) } else { reservedBits.remove(.rsv1) } }
    }

    /// RSV2.
    public var rsv2: Bool {
        get { reservedBits.contains(.rsv2) }
        set { if newValue { reservedBits.insert(.rsv2) } else { reservedBits.remove(.rsv2) } }
    }

    /// RSV3.
    public var rsv3: Bool {
        get { reservedBits.contains(.rsv3) }
        set { if newValue { reservedBits.insert(.rsv3) } else { reservedBits.remove(.rsv3) } }
    }

    /// The frame's header.
    public var header: WSFrameHeader {
        WSFrameHeader(
            fin: fin,
            reservedBits: reservedBits,
            opcode: opcode,
            maskingKey: maskingKey,
            payloadLength: payload.count
        )
    }
}
