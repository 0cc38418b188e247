/// The identity of one client connection.
///
/// An opaque string. Generated identifiers carry 128 bits from the system's cryptographic random
/// source, so that no client can choose or guess the identifier of another connection. A host that
/// terminates WebSocket elsewhere (a gateway, a serverless platform) may instead supply the
/// identifier that platform assigned, with ``init(_:)``.
public struct ConnectionID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The identifier's text.
    public let rawValue: String

    /// Wraps an identifier that the host assigned.
    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    /// Makes a new random identifier: 128 bits, written as 22 characters of unpadded base64url.
    ///
    /// `SystemRandomSource` reads the operating system's cryptographically secure source
    /// (`getrandom(2)` on Linux, `arc4random_buf` on Apple platforms).
    public static func random() -> ConnectionID {
        var generator = SystemRandomSource()
        return random(using: &generator)
    }

    /// Makes a new identifier from `generator`; tests pass a seeded generator for repeatable ids.
    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> ConnectionID {
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        var bytes = [UInt8]()
        bytes.reserveCapacity(16)
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: high >> UInt64(shift)))
        }
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: low >> UInt64(shift)))
        }
        return ConnectionID(Self.base64URL(bytes))
    }

    public var description: String { rawValue }

    // Identity is the exact UTF-8 bytes: a store compares ids byte for byte (a database column does),
    // whereas `String`'s `==` treats canonically equivalent spellings as equal. Hashing the bytes
    // directly also skips `String`'s normalising hash, which the in-memory store pays per operation.

    public static func == (lhs: ConnectionID, rhs: ConnectionID) -> Bool {
        lhs.rawValue.utf8.elementsEqual(rhs.rawValue.utf8)
    }

    public func hash(into hasher: inout Hasher) {
        var text = rawValue
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Byte-wise order of the UTF-8 text, consistent with `==`.
    public static func < (lhs: ConnectionID, rhs: ConnectionID) -> Bool {
        lhs.rawValue.utf8.lexicographicallyPrecedes(rhs.rawValue.utf8)
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    private static func base64URL(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index < bytes.count {
            let b0 = UInt32(bytes[index])
            let b1 = index + 1 < bytes.count ? UInt32(bytes[index + 1]) : 0
            let b2 = index + 2 < bytes.count ? UInt32(bytes[index + 2]) : 0
            let triple = b0 << 16 | b1 << 8 | b2
            let available = min(3, bytes.count - index) + 1
            for slot in 0..<available {
                out.append(alphabet[Int((triple >> UInt32(18 - 6 * slot)) & 0x3F)])
            }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
