// Helpers shared by every fuzz target. `Fuzz/run.sh` compiles this file together with one target
// and the sources of the module under test into a single module, so nothing here is imported.

/// Stops the fuzzer with a message when a property does not hold.
///
/// `fatalError` rather than `precondition` so that the check survives `-Ounchecked` too; libFuzzer
/// reports the trap as a crash and writes the input to the artifact directory.
func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("property violated: \(message())") }
}

/// Reads option bytes from the front of a fuzz input; missing bytes read as zero.
struct FuzzOptions {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func byte() -> UInt8 {
        defer { index += 1 }
        return index < bytes.count ? bytes[index] : 0
    }

    /// The bytes after the options read so far.
    var rest: [UInt8] { index < bytes.count ? Array(bytes[index...]) : [] }
}

/// Ways of cutting an input into consecutive pieces, so that a target can check that feeding the
/// pieces one after another gives the same result as feeding the whole input at once.
enum Splitting {
    /// The whole input as one piece.
    static func whole(_ count: Int) -> [Range<Int>] { [0..<count] }

    /// Cuts at up to three points derived from `seed` (some may coincide, giving empty pieces);
    /// when `bytewise` is set and the input is short, every byte is its own piece.
    static func pieces(count: Int, seed: UInt32, bytewise: Bool) -> [Range<Int>] {
        if bytewise && count <= 512 { return (0..<count).map { $0..<($0 + 1) } }
        var cuts = [0, count]
        var state = seed
        for _ in 0..<3 {
            cuts.append(count == 0 ? 0 : Int(state % UInt32(count + 1)))
            state = state &* 1_103_515_245 &+ 12345
        }
        cuts.sort()
        return zip(cuts, cuts.dropFirst()).map { $0..<$1 }
    }
}

/// A random number generator that replays fixed words, so that a harness can make an API that
/// draws random bytes (a handshake key) produce chosen ones.
struct ReplayGenerator: RandomNumberGenerator {
    private var words: [UInt64]
    private var index = 0

    init(_ words: [UInt64]) {
        self.words = words
    }

    mutating func next() -> UInt64 {
        defer { index += 1 }
        return words.isEmpty ? 0 : words[index % words.count]
    }
}
