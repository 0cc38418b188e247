/// The identity of one client connection.
///
/// An opaque string. Generated identifiers carry 128 bits from the system's cryptographic random
/// source, so that no client can choose or guess the identifier of another connection. A host that
/// terminates WebSocket elsewhere (a gateway, a serverless platform) may instead supply the
/// identifier that platform assigned, with ``init(_:)``.
///
/// Identity is the exact UTF-8 bytes of the text: two identifiers are equal, hash alike and order
/// by their bytes, as a database column compares them (`String`'s `==` would instead treat
/// canonically equivalent spellings as equal).
///
/// ## Storage
/// A text in the generated form (22 characters of unpadded base64url that encode 128 bits) is kept
/// as those 128 bits, inline in the value, whoever made it: comparing and hashing are then two
/// machine words instead of a string's bytes behind a pointer, and copying one retains nothing.
/// That is what a store's table lookups and a fan-out's snapshot of recipients spend their time on.
/// Any other text is kept as a `String`. Because the generated form is recognised in
/// ``init(_:)`` as well, one text has exactly one storage, and equality stays byte equality.
public struct ConnectionID: Hashable, Sendable, Comparable, CustomStringConvertible {
    private enum Storage: Sendable {
        /// The 128 bits of a generated-form text, most significant first.
        case generated(high: UInt64, low: UInt64)
        /// Any other text.
        case text(String)
    }

    private let storage: Storage

    /// The 128 bits of an id in the generated form, most significant first; `nil` for any other text.
    var generatedBits: (high: UInt64, low: UInt64)? {
        if case .generated(let high, let low) = storage { return (high, low) }
        return nil
    }

    /// The identifier's text.
    public var rawValue: String {
        switch storage {
        case .generated(let high, let low): Self.text(high: high, low: low)
        case .text(let text): text
        }
    }

    /// Wraps an identifier that the host assigned.
    public init(_ rawValue: String) {
        if let (high, low) = Self.generatedBits(of: rawValue) {
            storage = .generated(high: high, low: low)
        } else {
            storage = .text(rawValue)
        }
    }

    private init(high: UInt64, low: UInt64) {
        storage = .generated(high: high, low: low)
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
        return ConnectionID(high: high, low: low)
    }

    public var description: String { rawValue }

    public static func == (lhs: ConnectionID, rhs: ConnectionID) -> Bool {
        switch (lhs.storage, rhs.storage) {
        case (.generated(let h1, let l1), .generated(let h2, let l2)): h1 == h2 && l1 == l2
        case (.text(let t1), .text(let t2)): UTF8Bytes.equal(t1, t2)
        // One text has one storage, so a generated-form id never equals another text.
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch storage {
        case .generated(let high, let low):
            hasher.combine(high)
            hasher.combine(low)
        case .text(var text):
            text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }

    /// Byte-wise order of the UTF-8 text, consistent with `==`.
    public static func < (lhs: ConnectionID, rhs: ConnectionID) -> Bool {
        switch (lhs.storage, rhs.storage) {
        case (.generated(let h1, let l1), .generated(let h2, let l2)):
            // The alphabet is not in byte order, so compare character by character.
            for position in 0..<characterCount {
                let a = alphabet[digit(high: h1, low: l1, at: position)]
                let b = alphabet[digit(high: h2, low: l2, at: position)]
                if a != b { return a < b }
            }
            return false
        case (.text(let t1), .text(let t2)):
            return t1.utf8.lexicographicallyPrecedes(t2.utf8)
        default:
            return lhs.rawValue.utf8.lexicographicallyPrecedes(rhs.rawValue.utf8)
        }
    }

    // MARK: - The generated form

    private static let characterCount = 22
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    /// Each byte's digit in `alphabet`, or 0xFF.
    private static let digits: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (digit, character) in alphabet.enumerated() { table[Int(character)] = UInt8(digit) }
        return table
    }()

    /// The 6-bit digit at `position` (0...21) of the text: the 128 bits, most significant first,
    /// followed by four zero bits, in groups of six.
    @inline(__always)
    private static func digit(high: UInt64, low: UInt64, at position: Int) -> Int {
        let start = 6 &* position
        let window: UInt64
        if start &+ 6 <= 64 {
            window = high << UInt64(start)
        } else if start < 64 {
            window = high << UInt64(start) | low >> UInt64(64 &- start)
        } else {
            window = low << UInt64(start &- 64)
        }
        return Int(truncatingIfNeeded: window >> 58)
    }

    private static func text(high: UInt64, low: UInt64) -> String {
        String(unsafeUninitializedCapacity: characterCount) { buffer in
            for position in 0..<characterCount {
                buffer[position] = alphabet[digit(high: high, low: low, at: position)]
            }
            return characterCount
        }
    }

    /// The 128 bits that `text` encodes, if it is in the generated form: exactly 22 base64url
    /// characters whose last one carries two bits (its low four bits are zero).
    private static func generatedBits(of text: String) -> (UInt64, UInt64)? {
        let utf8 = text.utf8
        guard utf8.count == characterCount else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        var position = 0
        for byte in utf8 {
            let digit = digits[Int(byte)]
            guard digit != 0xFF else { return nil }
            if position < characterCount - 1 {
                high = high << 6 | low >> 58
                low = low << 6 | UInt64(digit)
            } else {
                guard digit & 0x0F == 0 else { return nil }
                high = high << 2 | low >> 62
                low = low << 2 | UInt64(digit >> 4)
            }
            position += 1
        }
        return (high, low)
    }
}
