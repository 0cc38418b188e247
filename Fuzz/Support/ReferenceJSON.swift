// A small, strict RFC 8259 parser written for clarity, not speed: the oracle the JSON targets
// compare `JSONScanner` against. It builds the whole value and records where each top-level
// member's value lies in the input.

/// A parsed JSON value; strings are kept as their unescaped UTF-8 bytes.
indirect enum ReferenceJSON: Equatable {
    case object([Member])
    case array([ReferenceJSON])
    case string([UInt8])
    case number
    case boolean(Bool)
    case null

    struct Member: Equatable {
        var key: [UInt8]
        var value: ReferenceJSON
        /// The value's bytes in the input, without surrounding whitespace.
        var range: Range<Int>
    }

    var kind: JSONValueKind {
        switch self {
        case .object: .object
        case .array: .array
        case .string: .string
        case .number: .number
        case .boolean: .boolean
        case .null: .null
        }
    }

    enum Failure: Error, Equatable {
        case invalid(at: Int)
        case tooDeep
    }

    /// Parses `bytes` as one JSON text; containers may nest at most `maximumDepth` deep.
    static func parse(_ bytes: [UInt8], maximumDepth: Int) -> Result<ReferenceJSON, Failure> {
        var parser = Parser(bytes: bytes, maximumDepth: maximumDepth)
        do throws(Failure) {
            parser.skipWhitespace()
            let value = try parser.value(depth: 0)
            parser.skipWhitespace()
            guard parser.index == bytes.count else { throw .invalid(at: parser.index) }
            return .success(value)
        } catch {
            return .failure(error)
        }
    }

    private struct Parser {
        let bytes: [UInt8]
        let maximumDepth: Int
        var index = 0

        init(bytes: [UInt8], maximumDepth: Int) {
            self.bytes = bytes
            self.maximumDepth = maximumDepth
        }

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipWhitespace() {
            while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
        }

        mutating func expect(_ byte: UInt8) throws(Failure) {
            guard peek == byte else { throw .invalid(at: index) }
            index += 1
        }

        mutating func value(depth: Int) throws(Failure) -> ReferenceJSON {
            guard let byte = peek else { throw .invalid(at: index) }
            switch byte {
            case UInt8(ascii: "{"):
                guard depth < maximumDepth else { throw .tooDeep }
                index += 1
                skipWhitespace()
                var members: [Member] = []
                if peek == UInt8(ascii: "}") {
                    index += 1
                    return .object(members)
                }
                while true {
                    skipWhitespace()
                    guard peek == UInt8(ascii: "\"") else { throw .invalid(at: index) }
                    let key = try string()
                    skipWhitespace()
                    try expect(UInt8(ascii: ":"))
                    skipWhitespace()
                    let start = index
                    let value = try value(depth: depth + 1)
                    members.append(Member(key: key, value: value, range: start..<index))
                    skipWhitespace()
                    if peek == UInt8(ascii: ",") {
                        index += 1
                        continue
                    }
                    try expect(UInt8(ascii: "}"))
                    return .object(members)
                }
            case UInt8(ascii: "["):
                guard depth < maximumDepth else { throw .tooDeep }
                index += 1
                skipWhitespace()
                var elements: [ReferenceJSON] = []
                if peek == UInt8(ascii: "]") {
                    index += 1
                    return .array(elements)
                }
                while true {
                    skipWhitespace()
                    elements.append(try value(depth: depth + 1))
                    skipWhitespace()
                    if peek == UInt8(ascii: ",") {
                        index += 1
                        continue
                    }
                    try expect(UInt8(ascii: "]"))
                    return .array(elements)
                }
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "t"):
                try literal("true")
                return .boolean(true)
            case UInt8(ascii: "f"):
                try literal("false")
                return .boolean(false)
            case UInt8(ascii: "n"):
                try literal("null")
                return .null
            default:
                try number()
                return .number
            }
        }

        mutating func literal(_ text: String) throws(Failure) {
            for byte in text.utf8 { try expect(byte) }
        }

        func isDigit(_ byte: UInt8?) -> Bool {
            guard let byte else { return false }
            return byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
        }

        mutating func digits() throws(Failure) {
            guard isDigit(peek) else { throw .invalid(at: index) }
            while isDigit(peek) { index += 1 }
        }

        mutating func number() throws(Failure) {
            if peek == UInt8(ascii: "-") { index += 1 }
            if peek == UInt8(ascii: "0") {
                index += 1
            } else {
                guard let byte = peek, byte >= UInt8(ascii: "1") && byte <= UInt8(ascii: "9") else {
                    throw .invalid(at: index)
                }
                try digits()
            }
            if peek == UInt8(ascii: ".") {
                index += 1
                try digits()
            }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                index += 1
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
                try digits()
            }
        }

        mutating func hex4() throws(Failure) -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let byte = peek else { throw .invalid(at: index) }
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte) - 48
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte) - 87
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte) - 55
                default: throw .invalid(at: index)
                }
                value = value * 16 + digit
                index += 1
            }
            return value
        }

        /// Reads a string at the opening quote and returns its unescaped UTF-8.
        mutating func string() throws(Failure) -> [UInt8] {
            index += 1
            var out: [UInt8] = []
            var run: [UInt8] = []
            func flush(_ run: inout [UInt8], into out: inout [UInt8], at index: Int) throws(Failure) {
                guard String(validating: run, as: UTF8.self) != nil else { throw .invalid(at: index) }
                out += run
                run.removeAll()
            }
            while true {
                guard let byte = peek else { throw .invalid(at: index) }
                switch byte {
                case UInt8(ascii: "\""):
                    try flush(&run, into: &out, at: index)
                    index += 1
                    return out
                case UInt8(ascii: "\\"):
                    try flush(&run, into: &out, at: index)
                    index += 1
                    guard let escape = peek else { throw .invalid(at: index) }
                    index += 1
                    var scalar: UInt32
                    switch escape {
                    case UInt8(ascii: "\""): scalar = 0x22
                    case UInt8(ascii: "\\"): scalar = 0x5C
                    case UInt8(ascii: "/"): scalar = 0x2F
                    case UInt8(ascii: "b"): scalar = 0x08
                    case UInt8(ascii: "f"): scalar = 0x0C
                    case UInt8(ascii: "n"): scalar = 0x0A
                    case UInt8(ascii: "r"): scalar = 0x0D
                    case UInt8(ascii: "t"): scalar = 0x09
                    case UInt8(ascii: "u"):
                        scalar = try hex4()
                        if (0xDC00...0xDFFF).contains(scalar) { throw .invalid(at: index) }
                        if (0xD800...0xDBFF).contains(scalar) {
                            try expect(UInt8(ascii: "\\"))
                            try expect(UInt8(ascii: "u"))
                            let low = try hex4()
                            guard (0xDC00...0xDFFF).contains(low) else { throw .invalid(at: index) }
                            scalar = 0x10000 + (scalar - 0xD800) * 0x400 + (low - 0xDC00)
                        }
                    default:
                        throw .invalid(at: index)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw .invalid(at: index) }
                    out += Array(String(Character(unicode)).utf8)
                case 0x00..<0x20:
                    throw .invalid(at: index)
                default:
                    run.append(byte)
                    index += 1
                }
            }
        }
    }
}
