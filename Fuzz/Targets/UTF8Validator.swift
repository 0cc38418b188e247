// Fuzz target: `UTF8Validator`'s vector path (AVX2 / NEON, chunks of 64 bytes or more) against its
// scalar path.
//
// Input: bytes 0-1 seed the split points; byte 2 repeats the text that many times (0-3 extra
// copies) so that inputs reach past several 64-byte blocks; the rest is the text.
//
// Properties checked on every input:
// - fed whole, and fed in the pieces the seed makes, the vector path gives exactly the scalar
//   path's result for every call and for `finish()`;
// - fed whole, the result agrees with `String(validating:as:)`.

/// Each call's result and then `finish()`, feeding `text` in `pieces`.
private func results(_ text: [UInt8], _ pieces: [Range<Int>], vectorized: Bool) -> [Bool] {
    var validator = UTF8Validator()
    var out: [Bool] = []
    for piece in pieces {
        out.append(text[piece].withUnsafeBytes { validator.validate($0, vectorized: vectorized) })
    }
    out.append(validator.finish())
    return out
}

/// libFuzzer's entry point: runs one input and checks the properties listed above (traps on a
/// violation, which libFuzzer reports as a crash).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzUTF8Validator(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var options = FuzzOptions(Array(UnsafeBufferPointer(start: data, count: size)))
    let seed = UInt32(options.byte()) << 8 | UInt32(options.byte())
    let copies = Int(options.byte() & 3)
    var text = options.rest
    let unit = text
    for _ in 0..<copies { text += unit }

    let whole = Splitting.whole(text.count)
    let vectorWhole = results(text, whole, vectorized: true)
    require(vectorWhole == results(text, whole, vectorized: false), "vector and scalar differ on the whole text")
    let expected = String(validating: text, as: UTF8.self) != nil
    require(vectorWhole.allSatisfy { $0 } == expected, "whole text: validator says \(vectorWhole), String says \(expected)")

    let pieces = Splitting.pieces(count: text.count, seed: seed, bytewise: false)
    let vectorPieces = results(text, pieces, vectorized: true)
    require(vectorPieces == results(text, pieces, vectorized: false), "vector and scalar differ split at \(pieces)")
    return 0
}
