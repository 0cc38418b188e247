/// SHA-1 (FIPS 180-4), written here because the codec takes no dependencies and Foundation on Linux
/// has no digest API.
///
/// RFC 6455 uses SHA-1 only to prove that a server read the client's `Sec-WebSocket-Key`; it is not a
/// security primitive there, and this type must not be used as one.
///
/// ```swift
/// let digest = SHA1.hash(Array("abc".utf8))  // 20 bytes, a9993e36...
/// ```
struct SHA1: Sendable {
    /// The size of a digest in bytes.
    static let digestSize = 20

    private static let blockSize = 64

    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32) = (
        0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0
    )
    /// Bytes not yet processed; always fewer than one block.
    private var pending: [UInt8] = []
    /// Total message length in bytes; wraps like the algorithm's 64-bit length field.
    private var length: UInt64 = 0

    /// Creates a hasher with the FIPS 180-4 initial state.
    init() {
        pending.reserveCapacity(Self.blockSize)
    }

    /// Returns the 20-byte digest of `bytes`.
    static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var hasher = SHA1()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// Feeds more message bytes; any chunking gives the same digest.
    mutating func update(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            pending.append(byte)
            length &+= 1
            if pending.count == Self.blockSize {
                compress(pending)
                pending.removeAll(keepingCapacity: true)
            }
        }
    }

    /// Pads the message and returns its digest. The hasher is consumed: call it once.
    consuming func finalize() -> [UInt8] {
        let bitLength = length &* 8
        var tail = pending
        tail.append(0x80)
        while tail.count % Self.blockSize != 56 {
            tail.append(0)
        }
        for shift in stride(from: 56, through: 0, by: -8) {
            tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
        }
        var start = 0
        while start < tail.count {
            compress(tail[start..<start + Self.blockSize])
            start += Self.blockSize
        }
        var digest: [UInt8] = []
        digest.reserveCapacity(Self.digestSize)
        for word in [state.0, state.1, state.2, state.3, state.4] {
            digest.append(UInt8(truncatingIfNeeded: word >> 24))
            digest.append(UInt8(truncatingIfNeeded: word >> 16))
            digest.append(UInt8(truncatingIfNeeded: word >> 8))
            digest.append(UInt8(truncatingIfNeeded: word))
        }
        return digest
    }

    /// Processes one 64-byte block.
    private mutating func compress(_ block: some Collection<UInt8>) {
        var words = [UInt32](repeating: 0, count: 80)
        var index = block.startIndex
        for wordIndex in 0..<16 {
            var word: UInt32 = 0
            for _ in 0..<4 {
                word = word << 8 | UInt32(block[index])
                index = block.index(after: index)
            }
            words[wordIndex] = word
        }
        for wordIndex in 16..<80 {
            let mixed = words[wordIndex - 3] ^ words[wordIndex - 8] ^ words[wordIndex - 14] ^ words[wordIndex - 16]
            words[wordIndex] = mixed.rotatedLeft(by: 1)
        }
        var (a, b, c, d, e) = state
        for round in 0..<80 {
            let mix: UInt32
            let constant: UInt32
            switch round {
            case 0..<20:
                mix = (b & c) | (~b & d)
                constant = 0x5A82_7999
            case 20..<40:
                mix = b ^ c ^ d
                constant = 0x6ED9_EBA1
            case 40..<60:
                mix = (b & c) | (b & d) | (c & d)
                constant = 0x8F1B_BCDC
            default:
                mix = b ^ c ^ d
                constant = 0xCA62_C1D6
            }
            let next = a.rotatedLeft(by: 5) &+ mix &+ e &+ constant &+ words[round]
            e = d
            d = c
            c = b.rotatedLeft(by: 30)
            b = a
            a = next
        }
        state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d, state.4 &+ e)
    }
}

extension UInt32 {
    fileprivate func rotatedLeft(by count: UInt32) -> UInt32 {
        self << count | self >> (32 - count)
    }
}
