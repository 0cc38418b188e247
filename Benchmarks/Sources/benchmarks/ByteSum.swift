import CByteSum

/// The wrapping sum of every byte in a buffer: what both sides of a decode case compute over each
/// payload they hand out, compared against the sum recorded when the fixture was built (SSE2's
/// PSADBW, in `CByteSum`, so that the check costs both sides little).
@inline(__always)
func byteSum(_ buffer: UnsafeRawBufferPointer) -> UInt64 {
    guard let base = buffer.baseAddress else { return 0 }
    return byte_sum(base.assumingMemoryBound(to: UInt8.self), buffer.count)
}

/// The sum of a byte array; see ``byteSum(_:)-(UnsafeRawBufferPointer)``.
func byteSum(_ bytes: [UInt8]) -> UInt64 {
    bytes.withUnsafeBytes { byteSum($0) }
}

/// Stops the run when a side decoded something other than what the fixture holds.
func checkDecoded(_ side: String, sum: UInt64, bytes: Int, expected stream: Fixtures.Stream, passes: Int = 1) {
    let expectedSum = stream.payloadSum &* UInt64(passes)
    let expectedBytes = stream.payloadBytes * passes
    guard sum == expectedSum && bytes == expectedBytes else {
        fatalError(
            "\(side) decoded \(bytes) payload bytes summing to \(sum); the fixture holds \(expectedBytes) summing to \(expectedSum)"
        )
    }
}
