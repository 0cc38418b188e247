/// One pass over one document: RFC 8259 validation and the top-level key search, without recursion.
///
/// Why a hand-written loop and not `JSONSerialization` or `JSONDecoder`: routing needs one field of
/// the top-level object, and building a dictionary of every value to read it costs allocations per
/// member. This scan touches each byte once, keeps nesting on an explicit bit stack (bounded by
/// `maximumDepth`, so no input can overflow the call stack), and allocates nothing unless the
/// requested value is a string that needs unescaping or is too long to store inline in a `String`.
///
/// Every read is guarded by an explicit `index < count` check before it happens.
struct JSONScanCore {
    struct Outcome: Hashable {
        var topLevel: JSONValueKind
        var member: JSONMember?
        /// The second key's member, when one was asked for.
        var second: SecondMember = .absent
    }

    /// What the scan found for the second key. Its duplicates are reported rather than thrown, so
    /// that a caller who only may need it (the router, for `entityId`) decides when it matters.
    enum SecondMember: Hashable {
        case absent
        case found(JSONMember)
        /// The key appears more than once; the offset of its second occurrence.
        case duplicated(at: Int)
    }

    /// Which requested key a member's key is.
    private enum KeyMatch {
        case none
        case first
        case second
    }

    private let bytes: UnsafeRawBufferPointer
    private let count: Int
    private let key: UnsafeRawBufferPointer?
    private let secondKey: UnsafeRawBufferPointer?
    private let maximumDepth: Int
    private var index = 0

    private init(
        bytes: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer?, secondKey: UnsafeRawBufferPointer?,
        maximumDepth: Int
    ) {
        self.bytes = bytes
        self.count = bytes.count
        self.key = key
        self.secondKey = secondKey
        self.maximumDepth = maximumDepth
    }

    /// Validates `bytes` as one JSON text; when `key` is given, also finds that key in the top-level
    /// object and fails if the top level is not an object or holds the key twice. With `secondKey`
    /// too, finds that one in the same pass (see ``SecondMember``).
    ///
    /// `allowingFlatObjects: false` skips the fast path for flat objects (see ``runFlatObject()``),
    /// so that tests and fuzzing can compare the two.
    static func scan(
        _ bytes: UnsafeRawBufferPointer,
        key: UnsafeRawBufferPointer?,
        secondKey: UnsafeRawBufferPointer? = nil,
        maximumDepth: Int,
        allowingFlatObjects: Bool = true
    ) throws(JSONScanError) -> Outcome {
        var core = JSONScanCore(bytes: bytes, key: key, secondKey: secondKey, maximumDepth: maximumDepth)
        if allowingFlatObjects, let outcome = core.runFlatObject() { return outcome }
        core.index = 0
        return try core.run()
    }

    /// Where the requested keys' values lie, found so far, and the value being scanned. Positions
    /// only: the members (and their strings) are made once, at the end, so the loop moves no
    /// reference-counted value.
    private struct Captures {
        /// A value's bytes, and whether it is a string holding escapes.
        struct Span {
            var range: Range<Int>
            var escapes: Bool
        }

        var first: Span?
        var firstDuplicateAt: Int?
        var second: Span?
        var secondDuplicateAt: Int?
        var capturing = KeyMatch.none
        var captureStart = 0

        /// A top-level key just ended at `keyStart`; its value starts at `valueStart`.
        mutating func keyScanned(_ match: KeyMatch, keyStart: Int, valueStart: Int) {
            switch match {
            case .none:
                return
            case .first:
                guard first == nil else {
                    if firstDuplicateAt == nil { firstDuplicateAt = keyStart }
                    return
                }
            case .second:
                guard second == nil else {
                    if secondDuplicateAt == nil { secondDuplicateAt = keyStart }
                    return
                }
            }
            capturing = match
            captureStart = valueStart
        }

        /// The value being captured ended at `end`.
        mutating func valueEnded(at end: Int, escapes: Bool) {
            let span = Span(range: captureStart..<end, escapes: escapes)
            if capturing == .first {
                first = span
            } else {
                second = span
            }
            capturing = .none
        }
    }

    // MARK: - Structure

    private mutating func run() throws(JSONScanError) -> Outcome {
        var stack = JSONContainerStack()
        var captures = Captures()
        var lastStringHadEscapes = false

        skipWhitespace()
        guard index < count else { throw JSONScanError(.empty, at: index) }
        let topLevel = Self.kind(startingWith: bytes[index])

        parsing: while true {
            skipWhitespace()
            guard index < count else { throw JSONScanError(.unexpectedEnd, at: index) }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard stack.depth < maximumDepth else { throw JSONScanError(.tooDeep(limit: maximumDepth), at: index) }
                let isObject = byte == UInt8(ascii: "{")
                stack.push(isObject: isObject)
                index += 1
                skipWhitespace()
                guard index < count else { throw JSONScanError(.unexpectedEnd, at: index) }
                if bytes[index] == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    index += 1
                    stack.pop()
                } else if isObject {
                    let keyStart = index
                    let match = try memberKey(atTopLevel: stack.depth == 1)
                    captures.keyScanned(match, keyStart: keyStart, valueStart: index)
                    continue parsing
                } else {
                    continue parsing
                }
            case UInt8(ascii: "\""):
                lastStringHadEscapes = try scanString()
            case UInt8(ascii: "t"):
                try scanLiteral("true")
            case UInt8(ascii: "f"):
                try scanLiteral("false")
            case UInt8(ascii: "n"):
                try scanLiteral("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                try scanNumber()
            default:
                throw JSONScanError(.unexpectedByte(byte), at: index)
            }

            // A value just ended; climb out of every container it closes.
            while true {
                if captures.capturing != .none && stack.depth == 1 {
                    captures.valueEnded(at: index, escapes: lastStringHadEscapes)
                }
                skipWhitespace()
                if stack.depth == 0 {
                    guard index == count else { throw JSONScanError(.trailingData, at: index) }
                    return try finish(topLevel: topLevel, captures: captures)
                }
                guard index < count else { throw JSONScanError(.unexpectedEnd, at: index) }
                let next = bytes[index]
                if next == UInt8(ascii: ",") {
                    index += 1
                    if stack.topIsObject {
                        skipWhitespace()
                        let keyStart = index
                        let match = try memberKey(atTopLevel: stack.depth == 1)
                        captures.keyScanned(match, keyStart: keyStart, valueStart: index)
                    }
                    continue parsing
                }
                if next == (stack.topIsObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    index += 1
                    stack.pop()
                    continue
                }
                throw JSONScanError(.unexpectedByte(next), at: index)
            }
        }
    }

    // MARK: - Flat objects

    /// The message almost every client sends, a one-level object whose values are plain strings
    /// (`{"action":"subscribe","entityId":"game-42"}`), scanned without the container stack and the
    /// per-token dispatch of ``run()``: the outcome `run()` gives, or `nil` as soon as the document is
    /// anything else (a value that is not a string, an escape, a byte outside printable ASCII, an
    /// empty object, any error), for `run()` to scan again from the start. Every string it accepts
    /// is one `run()` accepts with the same bounds, so the two agree wherever this one answers.
    private mutating func runFlatObject() -> Outcome? {
        guard count >= 2, bytes[0] == UInt8(ascii: "{") else { return nil }
        index = 1
        var captures = Captures()
        while true {
            skipWhitespace()
            let keyStart = index
            guard let keyEnd = plainStringEnd(at: keyStart) else { return nil }
            let content = (keyStart + 1)..<(keyEnd - 1)
            var match = KeyMatch.none
            if let key, keyEquals(content, escapes: false, key: key) {
                match = .first
            } else if let secondKey, keyEquals(content, escapes: false, key: secondKey) {
                match = .second
            }
            index = keyEnd
            skipWhitespace()
            guard index < count, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            skipWhitespace()
            captures.keyScanned(match, keyStart: keyStart, valueStart: index)
            guard let valueEnd = plainStringEnd(at: index) else { return nil }
            index = valueEnd
            if captures.capturing != .none { captures.valueEnded(at: index, escapes: false) }
            skipWhitespace()
            guard index < count else { return nil }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "}") else { return nil }
            index += 1
            skipWhitespace()
            guard index == count else { return nil }
            // A duplicated first key throws there; `run()` throws the same error.
            return try? finish(topLevel: .object, captures: captures)
        }
    }

    /// Where the string starting at `start` ends (just past its closing quote) when it holds only
    /// printable ASCII and no escape; `nil` when it does not, or when no string starts there.
    @inline(__always)
    private func plainStringEnd(at start: Int) -> Int? {
        guard start < count, bytes[start] == UInt8(ascii: "\"") else { return nil }
        let end = firstByteNeedingAttention(from: start + 1)
        return end < count && bytes[end] == UInt8(ascii: "\"") ? end + 1 : nil
    }

    private func finish(topLevel: JSONValueKind, captures: Captures) throws(JSONScanError) -> Outcome {
        guard let key else { return Outcome(topLevel: topLevel, member: nil) }
        guard topLevel == .object else { throw JSONScanError(.notAnObject(topLevel), at: 0) }
        if let duplicateAt = captures.firstDuplicateAt {
            throw JSONScanError(.duplicateKey(String(decoding: key, as: UTF8.self)), at: duplicateAt)
        }
        let second: SecondMember =
            if let duplicateAt = captures.secondDuplicateAt {
                .duplicated(at: duplicateAt)
            } else if let span = captures.second {
                .found(makeMember(span.range, escapes: span.escapes))
            } else {
                .absent
            }
        let first = captures.first.map { makeMember($0.range, escapes: $0.escapes) }
        return Outcome(topLevel: topLevel, member: first, second: second)
    }

    /// Scans `"key" :` at `index` and the whitespace after it; returns which requested key it is
    /// (a key of a nested object is none), leaving `index` at the member's value.
    private mutating func memberKey(atTopLevel: Bool) throws(JSONScanError) -> KeyMatch {
        guard index < count else { throw JSONScanError(.unexpectedEnd, at: index) }
        guard bytes[index] == UInt8(ascii: "\"") else { throw JSONScanError(.unexpectedByte(bytes[index]), at: index) }
        let start = index
        let escapes = try scanString()
        var match = KeyMatch.none
        if atTopLevel {
            let content = (start + 1)..<(index - 1)
            if let key, keyEquals(content, escapes: escapes, key: key) {
                match = .first
            } else if let secondKey, keyEquals(content, escapes: escapes, key: secondKey) {
                match = .second
            }
        }
        skipWhitespace()
        guard index < count else { throw JSONScanError(.unexpectedEnd, at: index) }
        guard bytes[index] == UInt8(ascii: ":") else { throw JSONScanError(.unexpectedByte(bytes[index]), at: index) }
        index += 1
        skipWhitespace()
        return match
    }

    private static func kind(startingWith byte: UInt8) -> JSONValueKind {
        switch byte {
        case UInt8(ascii: "{"): .object
        case UInt8(ascii: "["): .array
        case UInt8(ascii: "\""): .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): .boolean
        case UInt8(ascii: "n"): .null
        default: .number
        }
    }

    private func makeMember(_ range: Range<Int>, escapes: Bool) -> JSONMember {
        let kind = Self.kind(startingWith: bytes[range.lowerBound])
        guard kind == .string else { return JSONMember(kind: kind, range: range) }
        let content = (range.lowerBound + 1)..<(range.upperBound - 1)
        let text: String
        if escapes {
            // Unescaping never lengthens a string, so the content's length is enough capacity.
            text = String(unsafeUninitializedCapacity: content.count) { buffer in
                var written = 0
                forEachUnescapedByte(content) { byte in
                    buffer[written] = byte
                    written += 1
                    return true
                }
                return written
            }
        } else {
            text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[content]), as: UTF8.self)
        }
        return JSONMember(kind: .string, range: range, string: text)
    }

    // MARK: - Scalars

    private mutating func skipWhitespace() {
        while index < count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    private mutating func scanLiteral(_ literal: StaticString) throws(JSONScanError) {
        let start = index
        let expected = UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for offset in 0..<expected.count {
            guard start + offset < count else { throw JSONScanError(.unexpectedEnd, at: count) }
            guard bytes[start + offset] == expected[offset] else { throw JSONScanError(.invalidLiteral, at: start) }
        }
        index = start + expected.count
    }

    private mutating func scanNumber() throws(JSONScanError) {
        if bytes[index] == UInt8(ascii: "-") {
            index += 1
        }
        guard index < count else { throw JSONScanError(.unexpectedEnd, at: index) }
        let first = bytes[index]
        if first == UInt8(ascii: "0") {
            index += 1
            // RFC 8259 forbids leading zeros: "01" is not a number.
            if index < count && Self.isDigit(bytes[index]) { throw JSONScanError(.invalidNumber, at: index) }
        } else if Self.isDigit(first) {
            skipDigits()
        } else {
            throw JSONScanError(.invalidNumber, at: index)
        }
        if index < count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            try requireDigits()
        }
        if index < count && (bytes[index] | 0x20) == UInt8(ascii: "e") {
            index += 1
            if index < count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                index += 1
            }
            try requireDigits()
        }
    }

    private mutating func requireDigits() throws(JSONScanError) {
        guard index < count else { throw JSONScanError(.unexpectedEnd, at: index) }
        guard Self.isDigit(bytes[index]) else { throw JSONScanError(.invalidNumber, at: index) }
        skipDigits()
    }

    private mutating func skipDigits() {
        while index < count && Self.isDigit(bytes[index]) { index += 1 }
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    // MARK: - Strings

    /// Scans the string whose opening quote is at `index`; returns whether it holds escapes.
    private mutating func scanString() throws(JSONScanError) -> Bool {
        index += 1
        var escapes = false
        while true {
            index = firstByteNeedingAttention(from: index)
            guard index < count else { throw JSONScanError(.unexpectedEnd, at: index) }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return escapes
            case UInt8(ascii: "\\"):
                escapes = true
                try scanEscape()
            case 0x00..<0x20:
                throw JSONScanError(.controlCharacterInString(byte), at: index)
            default:
                try scanUTF8Sequence(leading: byte)
            }
        }
    }

    /// Where the first byte at or after `start` that a string scan must look at lies (a quote, a
    /// backslash, a control character or non-ASCII), or `count` when none does. Eight bytes at a
    /// time: most keys and values are plain ASCII up to their closing quote, which is then the byte
    /// found.
    @inline(__always)
    private func firstByteNeedingAttention(from start: Int) -> Int {
        var position = start
        while position + 8 <= count {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
            let attention = Self.attention(word)
            if attention != 0 { return position + (attention.trailingZeroBitCount >> 3) }
            position += 8
        }
        while position < count {
            let byte = bytes[position]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte >= 0x80 {
                return position
            }
            position += 1
        }
        return count
    }

    /// The high bit of each of the eight bytes (the first in memory lowest) that is a quote, a
    /// backslash, a control character or non-ASCII; 0 when none is.
    ///
    /// The classic "has a zero byte" bit tricks. A test may also flag a byte above one it flags
    /// rightly (a borrow carries upward), never below it, so the lowest flag is exact: it is the
    /// first byte that needs a look.
    private static func attention(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let below0x20 = (word &- ones &* 0x20) & ~word & highs
        let quotes = word ^ (ones &* 0x22)
        let backslashes = word ^ (ones &* 0x5C)
        let quote = (quotes &- ones) & ~quotes & highs
        let backslash = (backslashes &- ones) & ~backslashes & highs
        return (word & highs) | below0x20 | quote | backslash
    }

    private mutating func scanEscape() throws(JSONScanError) {
        guard index + 1 < count else { throw JSONScanError(.unexpectedEnd, at: count) }
        switch bytes[index + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            index += 2
        case UInt8(ascii: "u"):
            let start = index
            let unit = try hex4(at: index + 2)
            index += 6
            switch unit {
            case 0xD800...0xDBFF:
                guard index < count else { throw JSONScanError(.unexpectedEnd, at: count) }
                guard bytes[index] == UInt8(ascii: "\\") else { throw JSONScanError(.unpairedSurrogate, at: start) }
                guard index + 1 < count else { throw JSONScanError(.unexpectedEnd, at: count) }
                guard bytes[index + 1] == UInt8(ascii: "u") else { throw JSONScanError(.unpairedSurrogate, at: start) }
                let low = try hex4(at: index + 2)
                guard (0xDC00...0xDFFF).contains(low) else { throw JSONScanError(.unpairedSurrogate, at: start) }
                index += 6
            case 0xDC00...0xDFFF:
                throw JSONScanError(.unpairedSurrogate, at: start)
            default:
                break
            }
        default:
            throw JSONScanError(.invalidEscape, at: index)
        }
    }

    private func hex4(at start: Int) throws(JSONScanError) -> UInt32 {
        var value: UInt32 = 0
        for position in start..<(start + 4) {
            guard position < count else { throw JSONScanError(.unexpectedEnd, at: count) }
            guard let digit = Self.hexValue(bytes[position]) else {
                throw JSONScanError(.invalidUnicodeEscape, at: position)
            }
            value = value << 4 | digit
        }
        return value
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// Validates one multi-byte UTF-8 sequence at `index` (Unicode 15, table 3-7: no overlong forms,
    /// no surrogates, nothing above U+10FFFF).
    private mutating func scanUTF8Sequence(leading: UInt8) throws(JSONScanError) {
        let continuation: Int
        var secondLow: UInt8 = 0x80
        var secondHigh: UInt8 = 0xBF
        switch leading {
        case 0xC2...0xDF: continuation = 1
        case 0xE0: (continuation, secondLow) = (2, 0xA0)
        case 0xE1...0xEC, 0xEE...0xEF: continuation = 2
        case 0xED: (continuation, secondHigh) = (2, 0x9F)
        case 0xF0: (continuation, secondLow) = (3, 0x90)
        case 0xF1...0xF3: continuation = 3
        case 0xF4: (continuation, secondHigh) = (3, 0x8F)
        default: throw JSONScanError(.invalidUTF8, at: index)
        }
        for offset in 1...continuation {
            guard index + offset < count else { throw JSONScanError(.unexpectedEnd, at: count) }
            let byte = bytes[index + offset]
            let low = offset == 1 ? secondLow : 0x80
            let high = offset == 1 ? secondHigh : 0xBF
            guard byte >= low && byte <= high else { throw JSONScanError(.invalidUTF8, at: index) }
        }
        index += continuation + 1
    }

    // MARK: - Unescaping (on strings already validated)

    private func keyEquals(_ content: Range<Int>, escapes: Bool, key: UnsafeRawBufferPointer) -> Bool {
        if !escapes {
            guard content.count == key.count else { return false }
            return Self.equalBytes(bytes, at: content.lowerBound, key)
        }
        var matched = 0
        var equal = true
        forEachUnescapedByte(content) { byte in
            guard matched < key.count, key[matched] == byte else {
                equal = false
                return false
            }
            matched += 1
            return true
        }
        return equal && matched == key.count
    }

    /// Whether the `key.count` bytes of `bytes` at `start` are `key`'s, read in at most two loads each
    /// up to 16 bytes (overlapping ones: both ends of the key), since keys are compared on every
    /// member of the top level.
    @inline(__always)
    private static func equalBytes(_ bytes: UnsafeRawBufferPointer, at start: Int, _ key: UnsafeRawBufferPointer)
        -> Bool
    {
        let count = key.count
        func load<T: FixedWidthInteger>(_: T.Type, _ offset: Int) -> (T, T) {
            (
                bytes.loadUnaligned(fromByteOffset: start + offset, as: T.self),
                key.loadUnaligned(fromByteOffset: offset, as: T.self)
            )
        }
        switch count {
        case 0:
            return true
        case 1..<4:
            for offset in 0..<count where bytes[start + offset] != key[offset] { return false }
            return true
        case 4...8:
            let (head, tail) = (load(UInt32.self, 0), load(UInt32.self, count - 4))
            return head.0 == head.1 && tail.0 == tail.1
        default:
            var offset = 0
            while offset + 8 < count {
                let words = load(UInt64.self, offset)
                guard words.0 == words.1 else { return false }
                offset += 8
            }
            let tail = load(UInt64.self, count - 8)
            return tail.0 == tail.1
        }
    }

    /// Calls `body` with each UTF-8 byte of the unescaped string until it returns `false`.
    private func forEachUnescapedByte(_ content: Range<Int>, _ body: (UInt8) -> Bool) {
        var position = content.lowerBound
        while position < content.upperBound {
            let byte = bytes[position]
            guard byte == UInt8(ascii: "\\") else {
                guard body(byte) else { return }
                position += 1
                continue
            }
            let scalar: UInt32
            switch bytes[position + 1] {
            case UInt8(ascii: "b"): scalar = 0x08
            case UInt8(ascii: "f"): scalar = 0x0C
            case UInt8(ascii: "n"): scalar = 0x0A
            case UInt8(ascii: "r"): scalar = 0x0D
            case UInt8(ascii: "t"): scalar = 0x09
            case UInt8(ascii: "u"):
                let unit = decodedHex4(at: position + 2)
                if (0xD800...0xDBFF).contains(unit) {
                    let low = decodedHex4(at: position + 8)
                    scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    position += 6
                } else {
                    scalar = unit
                }
                position += 4
            default: scalar = UInt32(bytes[position + 1])
            }
            position += 2
            guard Self.forEachUTF8Byte(of: scalar, body) else { return }
        }
    }

    private func decodedHex4(at start: Int) -> UInt32 {
        var value: UInt32 = 0
        for position in start..<(start + 4) { value = value << 4 | (Self.hexValue(bytes[position]) ?? 0) }
        return value
    }

    private static func forEachUTF8Byte(of scalar: UInt32, _ body: (UInt8) -> Bool) -> Bool {
        switch scalar {
        case 0..<0x80:
            return body(UInt8(scalar))
        case 0x80..<0x800:
            return body(UInt8(0xC0 | scalar >> 6)) && body(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            return body(UInt8(0xE0 | scalar >> 12)) && body(UInt8(0x80 | (scalar >> 6) & 0x3F))
                && body(UInt8(0x80 | scalar & 0x3F))
        default:
            return body(UInt8(0xF0 | scalar >> 18)) && body(UInt8(0x80 | (scalar >> 12) & 0x3F))
                && body(UInt8(0x80 | (scalar >> 6) & 0x3F)) && body(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
