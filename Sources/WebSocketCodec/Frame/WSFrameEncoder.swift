/// Encodes WebSocket frames for one role (RFC 6455 §5.2).
///
/// A server's frames are unmasked, so a server frame is just bytes: encode a message once and
/// write the same array to any number of connections. To avoid even that copy, write only the
/// header (``WSFrameHeader/write(to:)``, ``serverHeaderBytes(opcode:payloadLength:fin:reservedBits:)``)
/// and send a shared payload after it.
///
/// A client's frames are masked with a fresh random key per frame (RFC 6455 §5.3), unless a key
/// is passed in (tests use fixed keys to compare bytes); masking runs eight bytes at a time in the
/// same pass that copies the payload behind the header.
///
/// ```swift
/// let encoder = WSFrameEncoder(role: .server)
/// let bytes = encoder.encode(opcode: .text, payload: Array("Hello".utf8))  // 81 05 48 65 6c 6c 6f
/// ```
public struct WSFrameEncoder: Hashable, Sendable {
    /// The local role: `.client` masks every frame, `.server` never does.
    public let role: WSRole

    /// Creates an encoder for the local `role`.
    public init(role: WSRole) {
        self.role = role
    }

    /// The header of a frame this encoder would write: masked with `maskingKey` (or a random key)
    /// in the client role, unmasked in the server role, where `maskingKey` is ignored.
    public func header(
        opcode: WSOpcode,
        payloadLength: Int,
        fin: Bool = true,
        reservedBits: WSReservedBits = [],
        maskingKey: WSMaskingKey? = nil
    ) -> WSFrameHeader {
        let key: WSMaskingKey? =
            switch role {
            case .client: maskingKey ?? .random()
            case .server: nil
            }
        return WSFrameHeader(
            fin: fin,
            reservedBits: reservedBits,
            opcode: opcode,
            maskingKey: key,
            payloadLength: payloadLength
        )
    }

    /// Encodes one frame (header and payload) into a new array of exactly the frame's size.
    ///
    /// - Parameters:
    ///   - opcode: The frame's opcode.
    ///   - payload: The unmasked payload.
    ///   - fin: Whether this is the last frame of its message.
    ///   - reservedBits: RSV bits, for a negotiated extension.
    ///   - maskingKey: Client role: the key, a random one when `nil`. Server role: ignored.
    public func encode(
        opcode: WSOpcode,
        payload: UnsafeRawBufferPointer,
        fin: Bool = true,
        reservedBits: WSReservedBits = [],
        maskingKey: WSMaskingKey? = nil
    ) -> [UInt8] {
        let header = header(
            opcode: opcode,
            payloadLength: payload.count,
            fin: fin,
            reservedBits: reservedBits,
            maskingKey: maskingKey
        )
        let total = header.encodedLength + payload.count
        return [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            let headerLength = header.write(to: raw)
            WSMasking.copy(
                payload, to: UnsafeMutableRawBufferPointer(rebasing: raw[headerLength...]),
                maskingWith: header.maskingKey)
            initialized = total
        }
    }

    /// Encodes one frame from a byte sequence; see ``encode(opcode:payload:fin:reservedBits:maskingKey:)-(_,UnsafeRawBufferPointer,_,_,_)``.
    public func encode(
        opcode: WSOpcode,
        payload: some Sequence<UInt8>,
        fin: Bool = true,
        reservedBits: WSReservedBits = [],
        maskingKey: WSMaskingKey? = nil
    ) -> [UInt8] {
        // The closures are written out at each call rather than kept in a local: a closure stored
        // in a variable is a heap-allocated context, one allocation more per encoded frame.
        if let bytes = payload.withContiguousStorageIfAvailable({ buffer in
            encode(
                opcode: opcode, payload: UnsafeRawBufferPointer(buffer), fin: fin, reservedBits: reservedBits,
                maskingKey: maskingKey)
        }) {
            return bytes
        }
        return Array(payload).withUnsafeBytes { buffer in
            encode(opcode: opcode, payload: buffer, fin: fin, reservedBits: reservedBits, maskingKey: maskingKey)
        }
    }

    /// Encodes `frame`. Client role: masked with `frame.maskingKey`, or a random key when it is
    /// `nil`. Server role: unmasked whatever `frame.maskingKey` says.
    public func encode(_ frame: WSFrame) -> [UInt8] {
        frame.payload.withUnsafeBytes {
            encode(
                opcode: frame.opcode,
                payload: $0,
                fin: frame.fin,
                reservedBits: frame.reservedBits,
                maskingKey: frame.maskingKey
            )
        }
    }

    /// Appends one encoded frame to `output`, for hosts that gather several frames in one buffer.
    public func append(
        opcode: WSOpcode,
        payload: UnsafeRawBufferPointer,
        fin: Bool = true,
        reservedBits: WSReservedBits = [],
        maskingKey: WSMaskingKey? = nil,
        to output: inout [UInt8]
    ) {
        let header = header(
            opcode: opcode,
            payloadLength: payload.count,
            fin: fin,
            reservedBits: reservedBits,
            maskingKey: maskingKey
        )
        output.reserveCapacity(output.count + header.encodedLength + payload.count)
        header.append(to: &output)
        guard payload.count > 0 else { return }
        output.append(contentsOf: MaskedBytes(source: payload, key: header.maskingKey, keyOffset: 0))
    }

    /// Appends one encoded frame with an array payload to `output`.
    public func append(
        opcode: WSOpcode,
        payload: [UInt8],
        fin: Bool = true,
        reservedBits: WSReservedBits = [],
        maskingKey: WSMaskingKey? = nil,
        to output: inout [UInt8]
    ) {
        payload.withUnsafeBytes {
            append(
                opcode: opcode, payload: $0, fin: fin, reservedBits: reservedBits, maskingKey: maskingKey, to: &output)
        }
    }

    /// An unmasked (server) frame: the bytes to write, unchanged, to every receiver of a message.
    public static func serverFrame(
        opcode: WSOpcode,
        payload: some Sequence<UInt8>,
        fin: Bool = true,
        reservedBits: WSReservedBits = []
    ) -> [UInt8] {
        WSFrameEncoder(role: .server).encode(
            opcode: opcode, payload: payload, fin: fin, reservedBits: reservedBits)
    }

    /// The header of an unmasked (server) frame, for a host that writes a shared payload after it.
    public static func serverHeaderBytes(
        opcode: WSOpcode,
        payloadLength: Int,
        fin: Bool = true,
        reservedBits: WSReservedBits = []
    ) -> [UInt8] {
        WSFrameHeader(fin: fin, reservedBits: reservedBits, opcode: opcode, payloadLength: payloadLength).bytes
    }
}
