internal import CWebSocketUTF8

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
/// A chunk of 64 bytes or more is checked with vector instructions where the processor has them
/// (AVX2, NEON): Keiser and Lemire's lookup-table method, in the `CWebSocketUTF8` target, over the
/// chunk up to its last complete sequence; a sequence left open at the end of the chunk then goes
/// byte by byte through the state kept between calls, so that the next chunk's first byte that makes
/// it impossible is still rejected at once. Elsewhere, and for short chunks, runs of ASCII are checked
/// 32 bytes per step and a multi-byte sequence that lies whole inside the chunk in one step against
/// its lead byte's ranges.
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
        validate(chunk, vectorized: true)
    }

    /// The chunks at least this long go to the vector validator: below it, the call and the
    /// padding of its last block cost more than the scalar loop.
    static let vectorThreshold = 64

    /// Validates the next chunk, with the vector validator when `vectorized` and available; the
    /// scalar path alone is the reference that tests and the fuzzer compare the vector path with.
    package mutating func validate(_ chunk: UnsafeRawBufferPointer, vectorized: Bool) -> Bool {
        guard !hasFailed else { return false }
        guard let base = chunk.baseAddress else { return true }
        let count = chunk.count
        var index = 0
        // Finish a sequence that the previous chunk left open, one byte at a time.
        while pending > 0 && index < count {
            guard step(base.load(fromByteOffset: index, as: UInt8.self)) else { return fail() }
            index &+= 1
        }
        if vectorized && count &- index >= Self.vectorThreshold {
            let end = Self.endOfLastCompleteSequence(base, from: index, count: count)
            let bytes = base.advanced(by: index).assumingMemoryBound(to: UInt8.self)
            switch ws_utf8_validate_vector(bytes, end &- index) {
            case 1: index = end  // the open sequence after `end`, if any, goes through the loop below
            case 0: return fail()
            default: break  // no vector unit: the scalar loop does it all
            }
        }
        while index < count {
            let lead = base.load(fromByteOffset: index, as: UInt8.self)
            if lead < 0x80 {
                index &+= 1
                // ASCII fast path, tried only inside ASCII text: a word whose bytes all have the top
                // bit clear is that many valid bytes.
                while index &+ 32 <= count {
                    let a = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    let b = base.loadUnaligned(fromByteOffset: index &+ 8, as: UInt64.self)
                    let c = base.loadUnaligned(fromByteOffset: index &+ 16, as: UInt64.self)
                    let d = base.loadUnaligned(fromByteOffset: index &+ 24, as: UInt64.self)
                    guard (a | b | c | d) & 0x8080_8080_8080_8080 == 0 else { break }
                    index &+= 32
                }
                while index &+ 8 <= count {
                    let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    let nonASCII = word & 0x8080_8080_8080_8080
                    guard nonASCII == 0 else {
                        // Skip the ASCII bytes in front of the first non-ASCII one (little-endian
                        // loads put the first byte lowest).
                        index &+= nonASCII.littleEndian.trailingZeroBitCount &>> 3
                        break
                    }
                    index &+= 8
                }
                continue
            }
            let sequence = Self.sequence(startingWith: lead)
            guard sequence.length > 0 else { return fail() }
            guard index &+ sequence.length <= count else {
                // The sequence continues in the next chunk: track it byte by byte, so that a byte
                // that makes it impossible is still rejected the moment it arrives.
                while index < count {
                    guard step(base.load(fromByteOffset: index, as: UInt8.self)) else { return fail() }
                    index &+= 1
                }
                break
            }
            // A whole sequence inside the chunk: the second byte's range depends on the lead byte,
            // later ones are continuation bytes (10xxxxxx).
            let second = base.load(fromByteOffset: index &+ 1, as: UInt8.self)
            guard second >= sequence.lower && second <= sequence.upper else { return fail() }
            if sequence.length >= 3 {
                guard base.load(fromByteOffset: index &+ 2, as: UInt8.self) & 0xC0 == 0x80 else { return fail() }
                if sequence.length == 4 {
                    guard base.load(fromByteOffset: index &+ 3, as: UInt8.self) & 0xC0 == 0x80 else { return fail() }
                }
            }
            index &+= sequence.length
        }
        return true
    }

    /// Where the chunk's last sequence starts if it continues past the chunk's end (its lead byte
    /// asks for more bytes than are left), else `count`.
    ///
    /// Only the last three bytes can start such a sequence. A lead byte that can start no sequence
    /// (`0xF8`...) is treated by the length its high bits suggest; the byte-wise state rejects it.
    @inline(__always)
    static func endOfLastCompleteSequence(_ base: UnsafeRawPointer, from start: Int, count: Int) -> Int {
        var position = count &- 1
        while position >= max(start, count &- 3) {
            let byte = base.load(fromByteOffset: position, as: UInt8.self)
            if byte & 0xC0 == 0x80 {
                position &-= 1
                continue
            }
            guard byte >= 0xC0 else { return count }
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
            return position &+ length > count ? position : count
        }
        return count
    }

    private mutating func fail() -> Bool {
        hasFailed = true
        return false
    }

    /// The length of the sequence a lead byte starts (0 for a byte that cannot start one) and the
    /// range of its second byte, from the Unicode Standard's table 3-7.
    @inline(__always)
    private static func sequence(startingWith lead: UInt8) -> (length: Int, lower: UInt8, upper: UInt8) {
        switch lead {
        case 0xC2...0xDF: (2, 0x80, 0xBF)
        case 0xE0: (3, 0xA0, 0xBF)  // below A0: overlong
        case 0xE1...0xEC, 0xEE, 0xEF: (3, 0x80, 0xBF)
        case 0xED: (3, 0x80, 0x9F)  // above 9F: UTF-16 surrogates
        case 0xF0: (4, 0x90, 0xBF)  // below 90: overlong
        case 0xF1...0xF3: (4, 0x80, 0xBF)
        case 0xF4: (4, 0x80, 0x8F)  // above 8F: beyond U+10FFFF
        default: (0, 0, 0)  // 80...C1 (stray continuation, overlong two-byte lead), F5...FF
        }
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
