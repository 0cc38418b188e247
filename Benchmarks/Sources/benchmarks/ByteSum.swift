/// The wrapping sum of every byte in a buffer: what both sides of a decode case compute over each
/// payload they hand out, compared against the sum recorded when the fixture was built.
///
/// Eight bytes per step in 16-bit lanes, folded before a lane can overflow, so that the check costs
/// the same small fraction of either side's time.
@inline(never)
func byteSum(_ buffer: UnsafeRawBufferPointer) -> UInt64 {
    guard let base = buffer.baseAddress else { return 0 }
    let count = buffer.count
    let lanes: UInt64 = 0x00FF_00FF_00FF_00FF
    var total: UInt64 = 0
    var index = 0
    while index &+ 8 <= count {
        // At most 128 words per block: each adds at most 510 to a 16-bit lane.
        let blockEnd = min(count & ~7, index &+ 128 &* 8)
        var accumulator: UInt64 = 0
        while index < blockEnd {
            let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            accumulator &+= (word & lanes) &+ ((word >> 8) & lanes)
            index &+= 8
        }
        let pairs = (accumulator & 0x0000_FFFF_0000_FFFF) &+ ((accumulator >> 16) & 0x0000_FFFF_0000_FFFF)
        total &+= (pairs & 0xFFFF_FFFF) &+ (pairs >> 32)
    }
    while index < count {
        total &+= UInt64(base.load(fromByteOffset: index, as: UInt8.self))
        index &+= 1
    }
    return total
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
