import Testing
import WebSocketCodec

@Suite("UTF-8 validator")
struct UTF8ValidatorTests {
    /// Feeds `bytes` in one chunk and returns the index of the first byte after which the
    /// validator reported failure (feeding byte by byte), or `nil` if it never did.
    static func failureIndex(_ bytes: [UInt8]) -> Int? {
        var validator = UTF8Validator()
        for (index, byte) in bytes.enumerated() where !validator.validate([byte]) {
            return index
        }
        return nil
    }

    @Test(
        "fails fast at the byte that makes the text invalid",
        arguments: [
            ([0xF5], 0), ([0xFF], 0), ([0xC0], 0), ([0xC1], 0), ([0x80], 0), ([0xBF], 0),
            ([0x41, 0xED, 0xA0], 2),  // surrogate U+D800
            ([0xED, 0xBF], 1),  // surrogate U+DFFF
            ([0xF4, 0x90], 1),  // above U+10FFFF
            ([0xE0, 0x80], 1), ([0xE0, 0x9F], 1),  // overlong 3-byte
            ([0xF0, 0x80], 1), ([0xF0, 0x8F], 1),  // overlong 4-byte
            ([0xC2, 0x41], 1), ([0xE1, 0x80, 0x41], 2), ([0xF1, 0x80, 0x80, 0xC0], 3),  // missing continuation
            ([0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5, 0xED, 0xA0, 0x80, 0x65, 0x64], 12),
        ] as [([UInt8], Int)]
    )
    func failsFast(bytes: [UInt8], index: Int) {
        #expect(Self.failureIndex(bytes) == index)
        var validator = UTF8Validator()
        let result1 = validator.validate(bytes)
        #expect(!result1)
        #expect(validator.hasFailed)
        let result2 = validator.validate([0x41])
        #expect(!result2)
    }

    @Test(
        "accepts the boundaries of every sequence length",
        arguments: [
            [0x00], [0x7F], [0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xEC, 0xBF, 0xBF], [0xED, 0x80, 0x80],
            [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80], [0xEF, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80],
            [0xF3, 0xBF, 0xBF, 0xBF], [0xF4, 0x80, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
        ] as [[UInt8]]
    )
    func acceptsBoundaries(bytes: [UInt8]) {
        #expect(UTF8Validator.isValid(bytes))
        #expect(Self.failureIndex(bytes) == nil)
    }

    @Test("a truncated sequence is valid so far but incomplete, split at every boundary")
    func truncatedSequencesAreIncomplete() {
        let sequences: [[UInt8]] = [[0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80]]
        for sequence in sequences {
            for cut in 1..<sequence.count {
                var validator = UTF8Validator()
                let result3 = validator.validate(Array(sequence[..<cut]))
                #expect(result3)
                #expect(!validator.isComplete)
                var truncated = validator
                let result4 = truncated.finish()
                #expect(!result4)
                let result5 = validator.validate(Array(sequence[cut...]))
                #expect(result5)
                let result6 = validator.finish()
                #expect(result6)
            }
        }
    }

    @Test("finish resets the validator for the next text")
    func finishResets() {
        var validator = UTF8Validator()
        let result7 = validator.validate([0xFF])
        #expect(!result7)
        let result8 = validator.finish()
        #expect(!result8)
        let result9 = validator.validate(Array("ok".utf8))
        #expect(result9)
        let result10 = validator.finish()
        #expect(result10)
    }

    @Test("an invalid byte after a long ASCII run is found inside the fast path")
    func asciiFastPathStillFindsErrors() {
        for prefixLength in 0..<40 {
            let bytes = [UInt8](repeating: 0x61, count: prefixLength) + [0xFF] + [UInt8](repeating: 0x61, count: 20)
            #expect(Self.failureIndex(bytes) == prefixLength)
            #expect(!UTF8Validator.isValid(bytes))
        }
    }

    /// The standard library's verdict on any OS the package declares (`String(validating:as:)` needs
    /// macOS 15): decoding replaces each invalid sequence with U+FFFD, so the bytes come back unchanged
    /// exactly when they were valid UTF-8.
    static func standardLibraryAccepts(_ bytes: [UInt8]) -> Bool {
        String(decoding: bytes, as: UTF8.self).utf8.elementsEqual(bytes)
    }

    @Test(
        "agrees with the standard library's decoder on random text split at random points",
        arguments: [1, 2, 3, 4] as [UInt64])
    func agreesWithStandardLibrary(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        let alphabet: [Unicode.Scalar] = [
            "a", "Z", "\u{7F}", "\u{80}", "\u{7FF}", "\u{800}", "\u{FFFF}", "\u{10000}", "\u{10FFFF}", "é", "€", "😀",
        ]
        for _ in 0..<300 {
            var string = ""
            for _ in 0..<Int.random(in: 0...40, using: &generator) {
                string.unicodeScalars.append(alphabet.randomElement(using: &generator)!)
            }
            var bytes = Array(string.utf8)
            // Corrupt a third of the cases with a random byte somewhere.
            if !bytes.isEmpty && Int.random(in: 0..<3, using: &generator) == 0 {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            let expected = Self.standardLibraryAccepts(bytes)
            var validator = UTF8Validator()
            var valid = true
            for chunk in CodecFixtures.split(
                bytes, at: CodecFixtures.randomSplitPoints(count: bytes.count, using: &generator))
            {
                valid = validator.validate(chunk) && valid
            }
            let complete = validator.finish()
            #expect((valid && complete) == expected, "\(bytes)")
        }
    }

    @Test("agrees with the standard library's decoder on every two-byte sequence and sampled three- and four-byte ones")
    func exhaustiveShortSequences() {
        for first in 0...255 {
            for second in 0...255 {
                let bytes = [UInt8(first), UInt8(second)]
                #expect(UTF8Validator.isValid(bytes) == Self.standardLibraryAccepts(bytes))
            }
        }
        for first: UInt8 in [0xE0, 0xE1, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF4, 0xF5] {
            for second in 0x70...0xC5 {
                for third: UInt8 in [0x7F, 0x80, 0xBF, 0xC0] {
                    let three = [first, UInt8(second), third]
                    #expect(UTF8Validator.isValid(three) == Self.standardLibraryAccepts(three))
                    let four = three + [0x80]
                    #expect(UTF8Validator.isValid(four) == Self.standardLibraryAccepts(four))
                }
            }
        }
    }
}
