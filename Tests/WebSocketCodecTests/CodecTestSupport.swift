import WebSocketCodec

/// A small deterministic generator (SplitMix64), so random tests replay the same cases.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum CodecFixtures {
    /// The masking key of RFC 6455 §5.7.
    static let rfcKey = WSMaskingKey(0x37, 0xFA, 0x21, 0x3D)

    static let hello: [UInt8] = Array("Hello".utf8)

    /// Masks byte by byte: the reference the fast masking is compared with.
    static func referenceMask(_ bytes: [UInt8], key: WSMaskingKey, keyOffset: Int = 0) -> [UInt8] {
        bytes.enumerated().map { $0.element ^ key[($0.offset + keyOffset) % 4] }
    }

    /// A frame built by hand, independent of the encoder.
    static func rawFrame(
        _ firstByte: UInt8,
        payload: [UInt8],
        key: WSMaskingKey? = nil,
        lengthBytes: [UInt8]? = nil
    ) -> [UInt8] {
        var bytes: [UInt8] = [firstByte]
        let maskBit: UInt8 = key == nil ? 0 : 0x80
        if let lengthBytes {
            bytes.append(contentsOf: lengthBytes)
            bytes[1] |= maskBit
        } else if payload.count <= 125 {
            bytes.append(maskBit | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            bytes += [maskBit | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            bytes.append(maskBit | 127)
            for shift in stride(from: 56, through: 0, by: -8) {
                bytes.append(UInt8(truncatingIfNeeded: payload.count >> shift))
            }
        }
        if let key {
            bytes += [key.bytes.0, key.bytes.1, key.bytes.2, key.bytes.3]
            bytes += referenceMask(payload, key: key)
        } else {
            bytes += payload
        }
        return bytes
    }

    /// Splits `bytes` into chunks ending at the given (sorted, in-range) offsets.
    static func split(_ bytes: [UInt8], at points: [Int]) -> [[UInt8]] {
        var chunks: [[UInt8]] = []
        var start = 0
        for point in points where point > start && point < bytes.count {
            chunks.append(Array(bytes[start..<point]))
            start = point
        }
        chunks.append(Array(bytes[start...]))
        return chunks
    }

    /// Random chunk boundaries for `count` bytes.
    static func randomSplitPoints(count: Int, using generator: inout SeededGenerator) -> [Int] {
        guard count > 1 else { return [] }
        let pieces = Int.random(in: 0...min(count - 1, 12), using: &generator)
        return (0..<pieces).map { _ in Int.random(in: 1..<count, using: &generator) }.sorted()
    }

    /// Decodes `chunks` in order with a fresh reader and returns the frames or the error.
    static func readFrames(
        _ chunks: [[UInt8]],
        role: WSRole,
        maxFrameSize: Int = WSFrameDecoder.defaultMaxFrameSize,
        allowedReservedBits: WSReservedBits = []
    ) -> Result<[WSFrame], WSProtocolError> {
        var reader = WSFrameReader(
            role: role, maxFrameSize: maxFrameSize, allowedReservedBits: allowedReservedBits)
        var frames: [WSFrame] = []
        for chunk in chunks {
            do {
                frames += try reader.frames(from: chunk)
            } catch {
                return .failure(error)
            }
        }
        return .success(frames)
    }

    /// The error decoding `bytes` throws, if any.
    static func decodeError(
        _ bytes: [UInt8],
        role: WSRole,
        maxFrameSize: Int = WSFrameDecoder.defaultMaxFrameSize,
        allowedReservedBits: WSReservedBits = []
    ) -> WSProtocolError? {
        var decoder = WSFrameDecoder(
            role: role, maxFrameSize: maxFrameSize, allowedReservedBits: allowedReservedBits)
        do {
            _ = try decoder.steps(from: bytes)
            return nil
        } catch {
            return error
        }
    }

    /// Feeds `chunks` to a connection and gathers everything it produced.
    static func run(
        _ connection: inout WSConnection,
        _ chunks: [[UInt8]]
    ) -> WSReceiveResult {
        var total = WSReceiveResult()
        for chunk in chunks {
            let result = connection.receive(chunk)
            total.events += result.events
            total.output += result.output
            total.shouldCloseTransport = total.shouldCloseTransport || result.shouldCloseTransport
        }
        return total
    }
}
