/// Standard base64 (RFC 4648 §4, with padding), as RFC 6455 uses it for `Sec-WebSocket-Key` and
/// `Sec-WebSocket-Accept`.
///
/// Decoding is strict on purpose: a key is a fixed-size nonce that a real client encodes canonically, so
/// anything else (other alphabets, whitespace, missing or misplaced padding, non-zero padding bits) is a
/// malformed handshake rather than something to repair.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Maps a byte to its 6-bit value, or `0xFF` when it is not in the alphabet.
    private static let decodingTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in alphabet.enumerated() {
            table[Int(character)] = UInt8(value)
        }
        return table
    }()

    /// Encodes `bytes` with the standard alphabet and `=` padding.
    static func encode(_ bytes: some Collection<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            let second = iterator.next()
            let third = iterator.next()
            let group = UInt32(first) << 16 | UInt32(second ?? 0) << 8 | UInt32(third ?? 0)
            output.append(alphabet[Int(group >> 18 & 0x3F)])
            output.append(alphabet[Int(group >> 12 & 0x3F)])
            output.append(second == nil ? UInt8(ascii: "=") : alphabet[Int(group >> 6 & 0x3F)])
            output.append(third == nil ? UInt8(ascii: "=") : alphabet[Int(group & 0x3F)])
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
                let value = decodingTable[Int(character)]
                guard value != 0xFF else { return nil }
                group = group << 6 | UInt32(value)
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
