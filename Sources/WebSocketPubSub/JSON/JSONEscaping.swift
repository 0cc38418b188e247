/// Writes strings as JSON string literals, for replies and envelopes built without an encoder.
///
/// `JSONEscaping.quoted("a\u{22}b\n")` is the literal `"a\"b\n"`, quotes included: the text, a
/// quote, a newline, each escaped.
public enum JSONEscaping {
    /// `text` as a JSON string literal, quotes included, escaped as ``appendQuoted(_:to:)`` does.
    public static func quoted(_ text: some StringProtocol) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 2)
        appendQuoted(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `text` to `bytes` between quotes, escaping what RFC 8259 requires (quote, backslash,
    /// U+0000–U+001F) and copying every other character as UTF-8.
    public static func appendQuoted(_ text: some StringProtocol, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        // The usual text needs no escape: copied in one step rather than byte by byte.
        let copied =
            text.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
                guard !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") })
                else { return false }
                bytes.append(contentsOf: utf8)
                return true
            } ?? false
        if !copied {
            for byte in text.utf8 { appendEscaped(byte, to: &bytes) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends one UTF-8 byte of a string's content, escaped if RFC 8259 requires it.
    static func appendEscaped(_ byte: UInt8, to bytes: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
        case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
        case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
        case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
        case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
        case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
        case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
        case 0x00..<0x20:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
            bytes.append(hex[Int(byte >> 4)])
            bytes.append(hex[Int(byte & 0x0F)])
        default:
            bytes.append(byte)
        }
    }

    /// How many bytes ``appendEscaped(_:to:)`` writes for `byte`, to size a buffer exactly.
    static func escapedLength(of byte: UInt8) -> Int {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x08, 0x09, 0x0A, 0x0C, 0x0D: 2
        case 0x00..<0x20: 6
        default: 1
        }
    }

    /// The JSON object `{"k1":"v1","k2":"v2",…}` with every key and value a string.
    static func object(_ members: KeyValuePairs<String, String>) -> [UInt8] {
        var bytes: [UInt8] = []
        // Room for the members unescaped and their punctuation: one allocation for the usual reply.
        bytes.reserveCapacity(members.reduce(2) { $0 + $1.key.utf8.count + $1.value.utf8.count + 6 })
        bytes.append(UInt8(ascii: "{"))
        for (position, member) in members.enumerated() {
            if position > 0 { bytes.append(UInt8(ascii: ",")) }
            appendQuoted(member.key, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            appendQuoted(member.value, to: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }
}
