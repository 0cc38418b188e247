/// An incremental UTF-8 validator that fails as soon as the input can no longer be valid.
///
/// Why incremental and fail-fast: RFC 6455 §8.1 says an endpoint that receives invalid UTF-8 in a
/// text message must fail the connection, and a conforming endpoint does so as soon as the
/// offending bytes arrive, even in the middle of a frame (Autobahn TestSuite 6.4.x). The validator
/// therefore keeps the state of a partial sequence between chunks and rejects a byte the moment it
/// makes the sequence impossible: `0xC0`, `0xC1` and `0xF5...0xFF` at once, a surrogate at
/// `0xED 0xA0`, an overlong three- or four-byte form at its second byte, a code point above
/// U+10FFFF at `0xF4 0x90`.
///
/// Runs of ASCII are checked eight bytes per step; other bytes go through a small range table.
///
/// ```swift
/// var validator = UTF8Validator()
/// for chunk in chunks {
///     guard validator.validate(chunk) else { return failConnection(.invalidFramePayloadData) }
/// }
/// guard validator.finish() else { return failConnection(.invalidFramePayloadData) }  // truncated
/// ```
public struct UTF8Validator: Hashable, Sendable {
    /// Continuation bytes still expected for the current sequence (0...3).
    private var pending: UInt8 = 0
    /// The smallest byte allowed next; it differs from `0x80` only right after a lead byte.
    private var lower: UInt8 = 0x80
    /// The largest byte allowed next.
    private var upper: UInt8 = 0xBF
    /// Set once an invalid byte was seen; sticky until ``reset()``.
    public private(set) var hasFailed = false

    /// Creates a validator at the start of a text.
    public init() {}

    /// Whether the bytes seen so far form complete, valid UTF-8 (no sequence left unfinished).
    public var isComplete: Bool { !hasFailed && pending == 0 }

    /// Validates the next chunk of a text; `false` as soon as the text cannot be valid UTF-8, and
    /// on every call after that.
    ///
    /// A sequence may be split across chunks at any byte; `true` only says nothing is wrong *yet*.
    /// - Complexity: O(*n*) in the chunk's length.
    public mutating func validate(_ chunk: UnsafeRawBufferPointer) -> Bool {
        guard !hasFailed else { return false }
        guard let base = chunk.baseAddress else { return true }
        let count = chunk.count
        var index = 0
        while index < count {
            if pending == 0 {
                // ASCII fast path: a word whose bytes all have the top bit clear is 8 valid bytes.
                while index &+ 16 <= count {
                    let first = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    let second = base.loadUnaligned(fromByteOffset: index &+ 8, as: UInt64.self)
                    guard (first | second) & 0x8080_8080_8080_8080 == 0 else { break }
                    index &+= 16
                }
                while index &+ 8 <= count {
                    let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    guard word & 0x8080_8080_8080_8080 == 0 else { break }
                    index &+= 8
                }
                guard index < count else { break }
            }
            let byte = base.load(fromByteOffset: index, as: UInt8.self)
            index &+= 1
            guard step(byte) else {
                hasFailed = true
                return false
            }
        }
        return true
    }

    /// Validates the next chunk of a text; see ``validate(_:)-(UnsafeRawBufferPointer)``.
    public mutating func validate(_ chunk: some Sequence<UInt8>) -> Bool {
        if let result = chunk.withContiguousStorageIfAvailable({ validate(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        return Array(chunk).withUnsafeBytes { validate($0) }
    }

    /// Ends the text: `true` when everything seen was valid and no sequence is left unfinished.
    /// The validator is then reset for the next text.
    public mutating func finish() -> Bool {
        let complete = isComplete
        reset()
        return complete
    }

    /// Forgets all state, to validate a new text.
    public mutating func reset() {
        self = UTF8Validator()
    }

    /// Whether `bytes` as a whole are valid UTF-8.
    public static func isValid(_ bytes: some Sequence<UInt8>) -> Bool {
        var validator = UTF8Validator()
        return validator.validate(bytes) && validator.isComplete
    }

    /// Whether `bytes` as a whole are valid UTF-8.
    public static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var validator = UTF8Validator()
        return validator.validate(bytes) && validator.isComplete
    }

    /// Advances over one byte; `false` if it makes the text invalid.
    ///
    /// The ranges are those of the Unicode Standard's table 3-7 ("well-formed UTF-8 byte
    /// sequences"): the second byte's range depends on the lead byte, later ones are `80...BF`.
    private mutating func step(_ byte: UInt8) -> Bool {
        if pending > 0 {
            guard byte >= lower && byte <= upper else { return false }
            pending &-= 1
            lower = 0x80
            upper = 0xBF
            return true
        }
        switch byte {
        case 0x00...0x7F:
            return true
        case 0xC2...0xDF:
            pending = 1
        case 0xE0:
            pending = 2
            lower = 0xA0  // below: overlong
        case 0xE1...0xEC, 0xEE, 0xEF:
            pending = 2
        case 0xED:
            pending = 2
            upper = 0x9F  // above: UTF-16 surrogates
        case 0xF0:
            pending = 3
            lower = 0x90  // below: overlong
        case 0xF1...0xF3:
            pending = 3
        case 0xF4:
            pending = 3
            upper = 0x8F  // above: beyond U+10FFFF
        default:
            return false  // 0x80...0xC1 (stray continuation, overlong two-byte lead), 0xF5...0xFF
        }
        return true
    }
}
