import Testing

@testable import WebSocketCodec

/// The vector path of `UTF8Validator` (chunks of 64 bytes or more) against its scalar path, which
/// the other UTF-8 tests pin to the Unicode Standard's table.
@Suite("UTF-8 validator, vector path")
struct UTF8VectorValidatorTests {
    /// Feeds `bytes` in the chunks that `cuts` make; returns each call's result and the final `finish()`.
    static func run(_ bytes: [UInt8], cuts: [Int], vectorized: Bool) -> [Bool] {
        var validator = UTF8Validator()
        var results: [Bool] = []
        var start = 0
        for end in cuts + [bytes.count] where end >= start {
            results.append(bytes[start..<end].withUnsafeBytes { validator.validate($0, vectorized: vectorized) })
            start = end
        }
        results.append(validator.finish())
        return results
    }

    static func agree(_ bytes: [UInt8], cuts: [Int] = []) -> Bool {
        run(bytes, cuts: cuts, vectorized: true) == run(bytes, cuts: cuts, vectorized: false)
    }

    /// ASCII padding with `sequence` placed at `offset`, in a text long enough for the vector path.
    static func embed(_ sequence: [UInt8], at offset: Int, length: Int = 160) -> [UInt8] {
        var bytes = [UInt8](repeating: 0x61, count: length)
        bytes.replaceSubrange(offset..<min(length, offset + sequence.count), with: sequence.prefix(length - offset))
        return bytes
    }

    @Test("every one- and two-byte sequence, at block boundaries, agrees with the scalar path")
    func everyTwoByteSequence() {
        for offset in [0, 31, 62, 63, 64, 95, 126, 127, 158, 159] {
            for first in 0...255 {
                for second in stride(from: 0, through: 255, by: 1) {
                    let bytes = Self.embed([UInt8(first), UInt8(second)], at: offset)
                    if !Self.agree(bytes) {
                        Issue.record("disagree on \(first) \(second) at \(offset)")
                        return
                    }
                }
            }
        }
    }

    @Test("every three-byte sequence starting with a lead byte agrees with the scalar path")
    func everyThreeByteSequence() {
        for offset in [30, 62, 63] {
            for first in 0xC0...0xFF {
                for second in 0x70...0xC0 {
                    for third in [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xE0, 0xF0, 0xFF] {
                        let bytes = Self.embed([UInt8(first), UInt8(second), UInt8(third)], at: offset)
                        if !Self.agree(bytes) {
                            Issue.record("disagree on \(first) \(second) \(third) at \(offset)")
                            return
                        }
                    }
                }
            }
        }
    }

    @Test("four-byte leads with every second byte, complete and cut off, agree with the scalar path")
    func fourByteSequences() {
        for offset in [61, 62, 63, 64, 156, 157] {
            for first in 0xF0...0xF7 {
                for second in 0x70...0xC0 {
                    for tail in [[0x80, 0x80], [0xBF, 0xBF], [0x80, 0x41], [0x41, 0x80], [0xC0, 0x80]] as [[UInt8]] {
                        let bytes = Self.embed([UInt8(first), UInt8(second)] + tail, at: offset)
                        if !Self.agree(bytes) {
                            Issue.record("disagree on \(first) \(second) \(tail) at \(offset)")
                            return
                        }
                    }
                }
            }
        }
    }

    @Test("random mixed text, valid and corrupted, split at random points, agrees with the scalar path")
    func randomTexts() {
        var generator = SeededGenerator(seed: 7)
        let pieces: [[UInt8]] = ["a", "é", "€", "😀", "Ω", "中", "\u{10FFFF}", "\u{7F}"].map { Array($0.utf8) }
        for round in 0..<3_000 {
            var bytes: [UInt8] = []
            let length = Int(generator.next() % 400)
            while bytes.count < length { bytes += pieces[Int(generator.next() % UInt64(pieces.count))] }
            if round % 2 == 1, !bytes.isEmpty {
                let position = Int(generator.next() % UInt64(bytes.count))
                bytes[position] = UInt8(truncatingIfNeeded: generator.next())
            }
            var cuts: [Int] = []
            if !bytes.isEmpty {
                for _ in 0..<Int(generator.next() % 4) { cuts.append(Int(generator.next() % UInt64(bytes.count))) }
            }
            cuts.sort()
            if !Self.agree(bytes, cuts: cuts) {
                Issue.record("disagree on \(bytes) cut at \(cuts)")
                return
            }
            #expect(UTF8Validator.isValid(bytes) == (String(validating: bytes, as: UTF8.self) != nil))
        }
    }

    @Test("a sequence left open at the end of a long chunk fails at the next chunk's first wrong byte")
    func openSequenceFailsFastInNextChunk() {
        var validator = UTF8Validator()
        let first = [UInt8](repeating: 0x61, count: 100) + [0xF0, 0x9F]
        let acceptedFirst = validator.validate(first)
        #expect(acceptedFirst)
        #expect(!validator.isComplete)
        let acceptedNext = validator.validate([0x41])
        #expect(!acceptedNext)
        #expect(validator.hasFailed)
    }

    @Test("an invalid byte deep inside a long chunk fails that chunk")
    func invalidInsideLongChunk() {
        var validator = UTF8Validator()
        var bytes = [UInt8](repeating: 0x61, count: 4096)
        bytes[3000] = 0xC0
        let accepted = validator.validate(bytes)
        #expect(!accepted)
    }
}
