import CZlib

/// One raw-deflate zlib stream (RFC 1951, no zlib header), used by permessage-deflate to
/// compress messages.
///
/// Why a class: zlib keeps a pointer back to its `z_stream`, so the stream must stay at one
/// address, and must be freed exactly once (`deflateEnd` in `deinit`). Owners give it value
/// semantics by copying it (``copy()``, through `deflateCopy`) before mutating a shared instance.
// @unchecked Sendable: the stream is mutated only by the value that owns it
// (``PermessageDeflate``, ``PreparedDeflateCompressor``), which first checks with
// `isKnownUniquelyReferenced` and copies a shared instance, as Array does; so a stream shared by
// two values (after a copy) is only ever read, and the reads finish before the reference is
// released.
final class ZlibDeflater: @unchecked Sendable {
    private let stream: UnsafeMutablePointer<z_stream>
    /// The window bits and memory level the stream was created with.
    let windowBits: Int
    let memoryLevel: Int
    let level: Int
    let strategy: Int32

    /// Creates a raw deflate stream.
    ///
    /// - Parameters:
    ///   - windowBits: 8...15. zlib cannot deflate with a 256-byte window (8); for 8 the stream
    ///     uses a 512-byte window with the `Z_RLE` strategy, whose matches all have distance 1,
    ///     so the output never refers further back than a 256-byte window allows.
    ///   - memoryLevel: 1...9, zlib's `memLevel`.
    ///   - level: 0...9, or -1 for zlib's default (6).
    init(windowBits: Int, memoryLevel: Int, level: Int) {
        precondition((8...15).contains(windowBits) && (1...9).contains(memoryLevel) && (-1...9).contains(level))
        self.windowBits = windowBits
        self.memoryLevel = memoryLevel
        self.level = level
        self.strategy = windowBits == 8 ? Z_RLE : Z_DEFAULT_STRATEGY
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = deflateInit2_(
            stream, Int32(level), Z_DEFLATED, -Int32(max(windowBits, 9)), Int32(memoryLevel), strategy,
            zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        // Only an allocation failure or a parameter outside the ranges checked above fails here.
        precondition(status == Z_OK, "deflateInit2 failed with \(status)")
    }

    private init(copying other: ZlibDeflater) {
        windowBits = other.windowBits
        memoryLevel = other.memoryLevel
        level = other.level
        strategy = other.strategy
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = deflateCopy(stream, other.stream)
        precondition(status == Z_OK, "deflateCopy failed with \(status)")
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// An independent stream with the same state (window and pending settings).
    func copy() -> ZlibDeflater {
        ZlibDeflater(copying: self)
    }

    /// Forgets the sliding window: the next message is compressed without reference to earlier ones.
    func reset() {
        deflateReset(stream)
    }

    /// Compresses `input` and ends with a sync flush, appending the bytes to `output`: they end
    /// with the empty stored block `00 00 ff ff` (RFC 7692 §7.2.1).
    func compressWithSyncFlush(_ input: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) {
        stream.pointee.next_in = UnsafeMutablePointer(
            mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        // deflateBound covers one whole stream; with a sync flush the output is a few bytes longer at most.
        var room = Int(deflateBound(stream, uLong(input.count))) + 16
        while true {
            let start = output.count
            output.append(contentsOf: repeatElement(0, count: room))
            let produced = output.withUnsafeMutableBytes { buffer -> Int in
                let tail = UnsafeMutableRawBufferPointer(rebasing: buffer[start...])
                stream.pointee.next_out = tail.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = uInt(tail.count)
                let status = deflate(stream, Z_SYNC_FLUSH)
                // Z_BUF_ERROR only says no progress was possible; a sync flush with room left is complete.
                precondition(status == Z_OK || status == Z_BUF_ERROR, "deflate failed with \(status)")
                return tail.count - Int(stream.pointee.avail_out)
            }
            output.removeLast(room - produced)
            // A flush is complete when deflate leaves room in the output.
            if stream.pointee.avail_out > 0 { break }
            room = max(room, 4096)
        }
        stream.pointee.next_in = nil
        stream.pointee.next_out = nil
    }
}
