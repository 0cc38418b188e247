/// Why ``JSONScanner`` refused a document, and where.
public struct JSONScanError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong.
    public enum Reason: Hashable, Sendable {
        /// The document holds no value (it is empty or only whitespace).
        case empty
        /// The document ends in the middle of a value: it was truncated.
        case unexpectedEnd
        /// A byte that cannot appear here.
        case unexpectedByte(UInt8)
        /// A number that breaks RFC 8259's grammar (a leading zero, a lone minus, a dot without digits).
        case invalidNumber
        /// Something that starts like `true`, `false` or `null` but is not.
        case invalidLiteral
        /// A backslash followed by a character that is not a JSON escape.
        case invalidEscape
        /// `\u` not followed by four hexadecimal digits.
        case invalidUnicodeEscape
        /// A `\uD800`–`\uDFFF` escape that is not half of a surrogate pair; it names no Unicode character.
        case unpairedSurrogate
        /// An unescaped control character (U+0000–U+001F) inside a string.
        case controlCharacterInString(UInt8)
        /// Bytes inside a string that are not valid UTF-8.
        case invalidUTF8
        /// Arrays and objects nested deeper than the scanner's limit.
        case tooDeep(limit: Int)
        /// More bytes after the one top-level value.
        case trailingData
        /// The document is valid JSON but its top-level value is not an object.
        case notAnObject(JSONValueKind)
        /// The requested key appears more than once in the top-level object, so its value is ambiguous.
        case duplicateKey(String)
    }

    /// What was wrong.
    public var reason: Reason
    /// The byte offset at which the problem was found.
    public var offset: Int

    /// Creates an error.
    public init(_ reason: Reason, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    /// A sentence a client can act on, such as `invalid JSON at byte 12: the document ends early`.
    public var description: String {
        switch reason {
        case .empty: "invalid JSON: the message is empty"
        case .notAnObject(let kind): "the message must be a JSON object, not \(kind)"
        case .duplicateKey(let key): "the key \"\(key)\" appears more than once"
        case .tooDeep(let limit): "invalid JSON: arrays and objects are nested deeper than \(limit) levels"
        default: "invalid JSON at byte \(offset): \(detail)"
        }
    }

    private var detail: String {
        switch reason {
        case .unexpectedEnd: "the document ends early (truncated?)"
        case .unexpectedByte(let byte): "unexpected \(Self.describe(byte))"
        case .invalidNumber: "malformed number"
        case .invalidLiteral: "expected true, false or null"
        case .invalidEscape: "invalid escape sequence in a string"
        case .invalidUnicodeEscape: "\\u must be followed by four hexadecimal digits"
        case .unpairedSurrogate: "a \\u escape names an unpaired UTF-16 surrogate"
        case .controlCharacterInString(let byte): "control character \(Self.hex(byte)) must be escaped in a string"
        case .invalidUTF8: "a string holds bytes that are not valid UTF-8"
        case .trailingData: "unexpected data after the JSON value"
        case .empty, .tooDeep, .notAnObject, .duplicateKey: ""
        }
    }

    private static func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
            return "character '\(Character(Unicode.Scalar(byte)))'"
        }
        return "byte \(hex(byte))"
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return "0x" + String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
    }
}
