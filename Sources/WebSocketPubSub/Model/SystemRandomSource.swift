/// The system's cryptographically secure random source, as a generator that has storage.
///
/// Why not hand `SystemRandomNumberGenerator` itself to an `inout some RandomNumberGenerator`
/// parameter: it is an empty struct, and Swift 6.3.1 passes the address of an empty value as `undef`.
/// Under ThreadSanitizer the callee reports each `inout` access to that address
/// (`__tsan_external_write`), so TSan reads shadow memory for whatever the register held and, now and
/// then, crashes with a SEGV. A stored word gives the value a real address. Each word comes from
/// `UInt64.random(in:)`, which reads the same system source (`getrandom(2)`, `arc4random_buf`).
struct SystemRandomSource: RandomNumberGenerator {
    private var lastWord: UInt64 = 0

    mutating func next() -> UInt64 {
        lastWord = UInt64.random(in: .min ... .max)
        return lastWord
    }
}
