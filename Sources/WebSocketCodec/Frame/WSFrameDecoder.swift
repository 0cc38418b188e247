/// An incremental, zero-copy WebSocket frame decoder (RFC 6455 §5.2).
///
/// The decoder reads borrowed bytes and reports what it found one step at a time: a validated
/// ``WSFrameHeader``, then the frame's payload as ``WSPayloadChunk``s pointing into
/// the input (as much as has arrived), then the frame's end. Between calls it keeps only a partial
/// header (at most 14 bytes), never payload, so its memory use does not depend on what the peer
/// sends, and a consumer can act on a payload before the frame is complete (validate UTF-8 and
/// fail fast, or unmask straight into the message buffer with no intermediate copy).
///
/// Every rule that can be checked from the header is checked as soon as the bytes that carry it
/// arrive, before any payload: reserved opcodes, RSV bits no extension claims, fragmented or
/// oversized control frames, the mask bit for the local ``role``, non-minimal and 63-bit+
/// lengths, and ``maxFrameSize``. Feeding the same bytes in any chunking, one byte at a time
/// included, yields the same headers, the same payload bytes and the same errors.
///
/// After it throws, the decoder stays failed and throws the same error again.
///
/// ```swift
/// var decoder = WSFrameDecoder(role: .server)
/// try bytes.withUnsafeBytes { input in
///     var input = input
///     while true {
///         switch try decoder.next(from: &input) {
///         case .needMoreData: return
///         case .header(let header): startFrame(header)
///         case .payload(let chunk): chunk.appendUnmasked(to: &message)
///         case .frameEnd: endFrame()
///         }
///     }
/// }
/// ```
public struct WSFrameDecoder: Sendable {
    /// What one call to ``next(from:)`` found.
    public enum Step: Equatable {
        /// The input is used up; call again with more bytes.
        case needMoreData
        /// A complete, validated frame header; its payload (if any) follows as ``payload(_:)`` steps.
        case header(WSFrameHeader)
        /// The next bytes of the current frame's payload, borrowed from the input.
        case payload(WSPayloadChunk)
        /// The current frame's payload is complete (also reported for an empty payload).
        case frameEnd
    }

    /// The default ``maxFrameSize``: 1 MiB.
    public static let defaultMaxFrameSize = 1 << 20

    /// The local endpoint's role: a server requires masked frames, a client rejects them.
    public let role: WSRole
    /// The largest payload a frame may declare; a larger declared length fails at once with
    /// ``WSProtocolError/Kind/frameTooLarge(limit:)``, before any of it is read.
    public var maxFrameSize: Int
    /// The RSV bits negotiated extensions claim; any other RSV bit fails the frame.
    public var allowedReservedBits: WSReservedBits

    /// Up to 14 bytes of a header that arrived split across calls.
    private var partial: (UInt64, UInt64) = (0, 0)
    private var partialCount = 0
    /// Whether the decoder is inside a frame's payload (between `.header` and `.frameEnd`).
    private var inPayload = false
    private var remaining = 0
    private var payloadOffset = 0
    private var maskingKey: WSMaskingKey?
    private var failure: WSProtocolError?

    /// Creates a decoder for the local endpoint's `role`.
    ///
    /// - Parameters:
    ///   - role: The local role; `.server` decodes a client's (masked) frames.
    ///   - maxFrameSize: The largest payload length accepted in one frame.
    ///   - allowedReservedBits: The RSV bits claimed by negotiated extensions.
    public init(
        role: WSRole,
        maxFrameSize: Int = defaultMaxFrameSize,
        allowedReservedBits: WSReservedBits = []
    ) {
        self.role = role
        self.maxFrameSize = maxFrameSize
        self.allowedReservedBits = allowedReservedBits
    }

    /// Whether the decoder sits between frames with no partial header: the input so far ended
    /// exactly at a frame boundary.
    public var isAtFrameBoundary: Bool { !inPayload && partialCount == 0 }

    /// Decodes the next step from `input` and advances `input` past the bytes it used.
    ///
    /// Loop until ``Step/needMoreData``. A ``Step/payload(_:)`` chunk points into `input`'s memory
    /// and is valid only while that memory is.
    public mutating func next(from input: inout UnsafeRawBufferPointer) throws(WSProtocolError) -> Step {
        if let failure { throw failure }
        if inPayload {
            if remaining == 0 {
                inPayload = false
                return .frameEnd
            }
            guard let base = input.baseAddress, input.count > 0 else { return .needMoreData }
            let count = min(remaining, input.count)
            let chunk = WSPayloadChunk(
                wireBytes: UnsafeRawBufferPointer(start: base, count: count),
                maskingKey: maskingKey,
                offsetInPayload: payloadOffset
            )
            input = UnsafeRawBufferPointer(start: base + count, count: input.count - count)
            remaining -= count
            payloadOffset += count
            return .payload(chunk)
        }
        do {
            guard let header = try readHeader(from: &input) else { return .needMoreData }
            inPayload = true
            remaining = header.payloadLength
            payloadOffset = 0
            maskingKey = header.maskingKey
            return .header(header)
        } catch {
            failure = error
            throw error
        }
    }

    /// Decodes the next step from `input`, a convenience for byte arrays in tests and simple hosts.
    ///
    /// Consumes all of `bytes` and returns the steps found, each payload chunk unmasked into an
    /// array; the steps found before an error are lost when it is thrown.
    public mutating func steps(from bytes: some Collection<UInt8>) throws(WSProtocolError) -> [OwnedStep] {
        var steps: [OwnedStep] = []
        var failure: WSProtocolError?
        Array(bytes).withUnsafeBytes { buffer in
            var input = buffer
            do throws(WSProtocolError) {
                while true {
                    switch try next(from: &input) {
                    case .needMoreData: return
                    case .header(let header): steps.append(.header(header))
                    case .payload(let chunk): steps.append(.payload(chunk.unmaskedBytes))
                    case .frameEnd: steps.append(.frameEnd)
                    }
                }
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return steps
    }

    /// A ``Step`` with its payload copied out and unmasked, from ``steps(from:)``.
    public enum OwnedStep: Hashable, Sendable {
        /// A complete, validated frame header.
        case header(WSFrameHeader)
        /// The next unmasked bytes of the current frame's payload.
        case payload([UInt8])
        /// The current frame's payload is complete.
        case frameEnd
    }

    /// Reads a header from the partial bytes plus `input`; `nil` (having kept what arrived) when
    /// it is not complete yet.
    private mutating func readHeader(
        from input: inout UnsafeRawBufferPointer
    ) throws(WSProtocolError) -> WSFrameHeader? {
        if partialCount == 0 {
            guard let base = input.baseAddress, input.count > 0 else { return nil }
            if let (header, length) = try parseHeader(UnsafeRawPointer(base), count: input.count) {
                input = UnsafeRawBufferPointer(start: base + length, count: input.count - length)
                return header
            }
            // Incomplete, so the input is shorter than the 14-byte maximum header.
            withUnsafeMutableBytes(of: &partial) { storage in
                storage.baseAddress!.copyMemory(from: base, byteCount: input.count)
            }
            partialCount = input.count
            input = UnsafeRawBufferPointer(start: base + input.count, count: 0)
            return nil
        }
        let oldCount = partialCount
        let added = min(WSFrameHeader.maxLength - oldCount, input.count)
        var scratch = partial
        let result = try withUnsafeMutableBytes(of: &scratch) {
            storage throws(WSProtocolError) -> (WSFrameHeader, Int)? in
            if added > 0, let source = input.baseAddress {
                (storage.baseAddress! + oldCount).copyMemory(from: source, byteCount: added)
            }
            return try parseHeader(UnsafeRawPointer(storage.baseAddress!), count: oldCount + added)
        }
        guard let (header, length) = result else {
            partial = scratch
            partialCount = oldCount + added
            input = UnsafeRawBufferPointer(rebasing: input[added...])
            return nil
        }
        let used = length - oldCount
        input = UnsafeRawBufferPointer(rebasing: input[used...])
        partialCount = 0
        return header
    }

    /// Validates as much of a header as `count` bytes at `bytes` hold and returns the header and
    /// its length once it is complete.
    private func parseHeader(
        _ bytes: UnsafeRawPointer,
        count: Int
    ) throws(WSProtocolError) -> (WSFrameHeader, Int)? {
        guard count >= 1 else { return nil }
        let first = bytes.load(as: UInt8.self)
        let fin = first & 0x80 != 0
        let opcode = WSOpcode(uncheckedRawValue: first & 0x0F)
        if opcode.isReserved { throw WSProtocolError(.reservedOpcode(opcode.rawValue)) }
        let reservedBits = WSReservedBits(rawValue: first)
        let unclaimed = reservedBits.subtracting(allowedReservedBits)
        if !unclaimed.isEmpty { throw WSProtocolError(.reservedBitsSet(unclaimed)) }
        if opcode.isControl && !fin { throw WSProtocolError(.fragmentedControlFrame) }

        guard count >= 2 else { return nil }
        let second = bytes.load(fromByteOffset: 1, as: UInt8.self)
        let masked = second & 0x80 != 0
        switch (role, masked) {
        case (.server, false): throw WSProtocolError(.unmaskedFrameFromClient)
        case (.client, true): throw WSProtocolError(.maskedFrameFromServer)
        default: break
        }
        let shortLength = Int(second & 0x7F)
        if opcode.isControl && shortLength > 125 { throw WSProtocolError(.controlFrameTooLong) }

        var offset = 2
        let payloadLength: Int
        switch shortLength {
        case 126:
            guard count >= 4 else { return nil }
            payloadLength = Int(UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
            if payloadLength <= 125 { throw WSProtocolError(.nonMinimalLength) }
            offset = 4
        case 127:
            guard count >= 10 else { return nil }
            let wide = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 2, as: UInt64.self))
            if wide & (1 << 63) != 0 { throw WSProtocolError(.lengthTopBitSet) }
            if wide <= 0xFFFF { throw WSProtocolError(.nonMinimalLength) }
            guard wide <= UInt64(maxFrameSize) else {
                throw WSProtocolError(.frameTooLarge(limit: maxFrameSize))
            }
            payloadLength = Int(wide)
            offset = 10
        default:
            payloadLength = shortLength
        }
        if payloadLength > maxFrameSize { throw WSProtocolError(.frameTooLarge(limit: maxFrameSize)) }

        var key: WSMaskingKey?
        if masked {
            guard count >= offset + 4 else { return nil }
            key = WSMaskingKey(
                networkRepresentation: UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            )
            offset += 4
        }
        let header = WSFrameHeader(
            fin: fin,
            reservedBits: reservedBits,
            opcode: opcode,
            maskingKey: key,
            payloadLength: payloadLength
        )
        return (header, offset)
    }
}
