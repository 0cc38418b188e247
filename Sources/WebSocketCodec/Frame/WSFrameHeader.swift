/// The header of one WebSocket frame: everything but the payload (RFC 6455 §5.2).
///
/// A decoder hands one out, fully validated, before any payload byte; an encoder writes one in
/// front of a payload the host may keep elsewhere (say, one payload shared by many connections).
public struct WSFrameHeader: Hashable, Sendable {
    /// The largest header: 2 fixed bytes, 8 bytes of 64-bit length, 4 bytes of masking key.
    public static let maxLength = 14

    /// Whether this is the final frame of its message.
    public var fin: Bool
    /// The RSV1-3 bits; non-empty only with an extension that claims them.
    public var reservedBits: WSReservedBits
    /// The frame's opcode.
    public var opcode: WSOpcode
    /// The masking key, present exactly when the frame is masked (client to server).
    public var maskingKey: WSMaskingKey?
    /// The number of payload bytes that follow the header.
    public var payloadLength: Int

    /// Creates a header.
    ///
    /// - Precondition: `payloadLength >= 0`.
    public init(
        fin: Bool = true,
        reservedBits: WSReservedBits = [],
        opcode: WSOpcode,
        maskingKey: WSMaskingKey? = nil,
        payloadLength: Int
    ) {
        precondition(payloadLength >= 0, "a payload length cannot be negative")
        self.fin = fin
        self.reservedBits = reservedBits
        self.opcode = opcode
        self.maskingKey = maskingKey
        self.payloadLength = payloadLength
    }

    /// The number of bytes ``write(to:)`` writes: 2, 4 or 10, plus 4 when masked.
    public var encodedLength: Int {
        Self.encodedLength(payloadLength: payloadLength, masked: maskingKey != nil)
    }

    /// The header length for a payload of `payloadLength` bytes, with or without a masking key.
    public static func encodedLength(payloadLength: Int, masked: Bool) -> Int {
        let lengthBytes =
            if payloadLength <= 125 { 0 } else if payloadLength <= 0xFFFF { 2 } else { 8 }
        return 2 + lengthBytes + (masked ? 4 : 0)
    }

    /// Writes the header, with its length in the minimal encoding, to the start of `buffer` and
    /// returns the number of bytes written (``encodedLength``).
    ///
    /// - Precondition: `buffer.count >= encodedLength`.
    @discardableResult
    public func write(to buffer: UnsafeMutableRawBufferPointer) -> Int {
        let length = encodedLength
        precondition(buffer.count >= length, "buffer too small for a \(length)-byte frame header")
        guard let base = buffer.baseAddress else { return 0 }
        base.storeBytes(of: (fin ? 0x80 : 0) | reservedBits.rawValue | opcode.rawValue, as: UInt8.self)
        let maskBit: UInt8 = maskingKey == nil ? 0 : 0x80
        var offset = 2
        if payloadLength <= 125 {
            base.storeBytes(of: maskBit | UInt8(payloadLength), toByteOffset: 1, as: UInt8.self)
        } else if payloadLength <= 0xFFFF {
            base.storeBytes(of: maskBit | 126, toByteOffset: 1, as: UInt8.self)
            base.storeBytes(of: UInt16(payloadLength).bigEndian, toByteOffset: 2, as: UInt16.self)
            offset = 4
        } else {
            base.storeBytes(of: maskBit | 127, toByteOffset: 1, as: UInt8.self)
            base.storeBytes(of: UInt64(payloadLength).bigEndian, toByteOffset: 2, as: UInt64.self)
            offset = 10
        }
        if let key = maskingKey {
            base.storeBytes(of: key.networkRepresentation.bigEndian, toByteOffset: offset, as: UInt32.self)
        }
        return length
    }

    /// The header's bytes.
    public var bytes: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: encodedLength) { buffer, initialized in
            initialized = write(to: UnsafeMutableRawBufferPointer(buffer))
        }
    }

    /// Appends the header's bytes to `output`.
    public func append(to output: inout [UInt8]) {
        var scratch: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &scratch) { buffer in
            let written = write(to: buffer)
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[..<written]))
        }
    }
}
