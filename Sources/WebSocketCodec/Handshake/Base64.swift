/// Standard base64 (RFC 4648 §4, with padding), as RFC 6455 uses it for `Sec-WebSocket-Key` and
/// `Sec-WebSocket-Accept`.
///
/// Decoding is strict on purpose: a key is a fixed-size nonce that a real client encodes canonically, so
/// anything else (other alphabets, whitespace, missing or misplaced padding, non-zero padding bits) is a
/// malformed handshake rather than something to repair.
enum Base64 {
    // The alphabet is computed, not looked up in a table: a lazily initialised global table costs a
    // one-time initialisation check on every call and is a needless shared object between threads.

    /// The character for a 6-bit value.
    @inline(__always)
    private static func character(for value: UInt32) -> UInt8 {
        switch value {
        case 0..<26: UInt8(ascii: "A") &+ UInt8(truncatingIfNeeded: value)
        case 26..<52: UInt8(ascii: "a") &+ UInt8(truncatingIfNeeded: value &- 26)
        case 52..<62: UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value &- 52)
        case 62: UInt8(ascii: "+")
        default: UInt8(ascii: "/")
        }
    }

    /// The 6-bit value of a character, or `nil` when it is not in the alphabet.
    @inline(__always)
    private static func value(of character: UInt8) -> UInt32? {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt32(character &- UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): UInt32(character &- UInt8(ascii: "a")) &+ 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(character &- UInt8(ascii: "0")) &+ 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }

    /// Encodes `bytes` with the standard alphabet and `=` padding.
    static func encode(_ bytes: some Collection<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            let second = iterator.next()
            let third = iterator.next()
            let group = UInt32(first) << 16 | UInt32(second ?? 0) << 8 | UInt32(third ?? 0)
            output.append(character(for: group >> 18 & 0x3F))
            output.append(character(for: group >> 12 & 0x3F))
            output.append(second == nil ? UInt8(ascii: "=") : character(for: group >> 6 & 0x3F))
            output.append(third == nil ? UInt8(ascii: "=") : character(for: group & 0x3F))
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes canonical padded base64, or returns `nil` for any deviation from it.
    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 4 * 3)
        var start = 0
        while start < input.count {
            let isLastGroup = start + 4 == input.count
            let quad = input[start..<start + 4]
            let padding = quad.reversed().prefix { $0 == UInt8(ascii: "=") }.count
            guard padding == 0 || (isLastGroup && padding <= 2) else { return nil }
            var group: UInt32 = 0
            for character in quad.prefix(4 - padding) {
                guard let value = value(of: character) else { return nil }
                group = group << 6 | value
            }
            group <<= UInt32(6 * padding)
            let bytes = [
                UInt8(truncatingIfNeeded: group >> 16), UInt8(truncatingIfNeeded: group >> 8),
                UInt8(truncatingIfNeeded: group),
            ]
            let kept = 3 - padding
            // Canonical encodings leave the bits beyond the last kept byte at zero.
            guard bytes[kept...].allSatisfy({ $0 == 0 }) else { return nil }
            output.append(contentsOf: bytes[..<kept])
            start += 4
        }
        return output
    }
}
