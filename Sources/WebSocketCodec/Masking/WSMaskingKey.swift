/// The 4-byte masking key of a client-to-server frame (RFC 6455 §5.3).
public struct WSMaskingKey: Hashable, Sendable {
    /// The key's four bytes in wire order.
    public var bytes: (UInt8, UInt8, UInt8, UInt8)

    /// Creates a key from its four bytes in wire order.
    public init(_ byte0: UInt8, _ byte1: UInt8, _ byte2: UInt8, _ byte3: UInt8) {
        self.bytes = (byte0, byte1, byte2, byte3)
    }

    /// Creates a key from exactly four bytes in wire order; `nil` for any other count.
    public init?(_ bytes: some Collection<UInt8>) {
        guard bytes.count == 4 else { return nil }
        var iterator = bytes.makeIterator()
        guard let b0 = iterator.next(), let b1 = iterator.next(), let b2 = iterator.next(), let b3 = iterator.next()
        else { return nil }
        self.init(b0, b1, b2, b3)
    }

    /// Creates a key from its network-order (big-endian) 32-bit representation.
    public init(networkRepresentation value: UInt32) {
        self.init(
            UInt8(truncatingIfNeeded: value >> 24),
            UInt8(truncatingIfNeeded: value >> 16),
            UInt8(truncatingIfNeeded: value >> 8),
            UInt8(truncatingIfNeeded: value)
        )
    }

    /// The key as a big-endian 32-bit value: the first wire byte is the most significant.
    public var networkRepresentation: UInt32 {
        UInt32(bytes.0) << 24 | UInt32(bytes.1) << 16 | UInt32(bytes.2) << 8 | UInt32(bytes.3)
    }

    /// The key byte that masks payload byte `index` (`index % 4`).
    public subscript(index: Int) -> UInt8 {
        switch index & 3 {
        case 0: bytes.0
        case 1: bytes.1
        case 2: bytes.2
        default: bytes.3
        }
    }

    /// A fresh key from the system's cryptographically secure generator.
    ///
    /// RFC 6455 §5.3 asks for keys an attacker cannot predict, so that a malicious page cannot
    /// choose the bytes an intermediary sees; hence the system generator and not a seeded one.
    public static func random() -> WSMaskingKey {
        var generator = SystemRandomSource()
        return random(using: &generator)
    }

    /// A key drawn from `generator`; for tests that need reproducible frames.
    public static func random(using generator: inout some RandomNumberGenerator) -> WSMaskingKey {
        WSMaskingKey(networkRepresentation: generator.next())
    }

    /// The four key bytes, starting at key byte `offset % 4`, as a little-endian-packed 32-bit value:
    /// the byte that masks the next payload byte sits in the least significant position.
    func rotatedLittleEndianPattern(offset: Int) -> UInt32 {
        let value = UInt32(bytes.0) | UInt32(bytes.1) << 8 | UInt32(bytes.2) << 16 | UInt32(bytes.3) << 24
        let shift = UInt32((offset & 3) * 8)
        return shift == 0 ? value : (value >> shift) | (value << (32 - shift))
    }

    /// Hashes the four bytes.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(networkRepresentation)
    }

    /// Two keys are equal when their four bytes are.
    public static func == (lhs: WSMaskingKey, rhs: WSMaskingKey) -> Bool {
        lhs.networkRepresentation == rhs.networkRepresentation
    }
}
