import CZlib

/// One raw-inflate zlib stream (RFC 1951, no zlib header), used by permessage-deflate to
/// decompress messages within a size limit.
///
/// A class for the same reason as ``ZlibDeflater``: zlib points back at its `z_stream`.
// @unchecked Sendable: the stream is mutated only by the value that owns it
// (``PermessageDeflate``, ``PreparedDeflateCompressor``), which first checks with
// `isKnownUniquelyReferenced` and copies a shared instance, as Array does; so a stream shared by
// two values (after a copy) is only ever read, and the reads finish before the reference is
// released.
final class ZlibInflater: @unchecked Sendable {
    /// Why inflating stopped.
    enum Failure: Error, Equatable {
        /// The output would exceed the limit.
        case tooLarge
        /// The input is not valid DEFLATE data; zlib's message.
        case invalidData(String)
    }

    private let stream: UnsafeMutablePointer<z_stream>
    let windowBits: Int

    /// Creates a raw inflate stream with a window of `2^windowBits` bytes (8...15).
    init(windowBits: Int) {
        precondition((8...15).contains(windowBits))
        self.windowBits = windowBits
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = inflateInit2_(stream, -Int32(windowBits), zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "inflateInit2 failed with \(status)")
    }

    private init(copying other: ZlibInflater) {
        windowBits = other.windowBits
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = inflateCopy(stream, other.stream)
        precondition(status == Z_OK, "inflateCopy failed with \(status)")
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// An independent stream with the same state.
    func copy() -> ZlibInflater {
        ZlibInflater(copying: self)
    }

    /// Forgets the sliding window.
    func reset() {
        inflateReset(stream)
    }

    /// The smallest room given to one `inflate` call: large enough that zlib's per-call overhead
    /// does not dominate, small enough that a bomb is stopped after little work.
    static let minimumChunk = 4096

    /// Inflates `input`, appending the output to `output`, and stops with ``Failure/tooLarge`` as
    /// soon as the output would pass `limit` bytes.
    ///
    /// The output buffer grows in steps (four times the input, then doubling) and never beyond
    /// `limit + 1` bytes, so a small input that inflates to gigabytes costs at most the limit in
    /// memory and the time to produce it. When the DEFLATE data ends (a block with BFINAL set),
    /// the stream restarts keeping its window and inflates the rest of the input.
    func inflate(_ input: [UInt8], limit: Int, appendingTo output: inout [UInt8]) throws(Failure) {
        let failure = input.withUnsafeBytes { inflate($0, limit: limit, appendingTo: &output) }
        if let failure { throw failure }
    }

    /// ``inflate(_:limit:appendingTo:)`` over borrowed bytes, returning the failure.
    private func inflate(_ input: UnsafeRawBufferPointer, limit: Int, appendingTo output: inout [UInt8]) -> Failure? {
        stream.pointee.next_in = UnsafeMutablePointer(
            mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        defer {
            stream.pointee.next_in = nil
            stream.pointee.next_out = nil
        }
        let base = output.count
        while true {
            let produced = output.count - base
            // First a guess from the input (text deflates about 4:1 or better), then doubling.
            let step = produced == 0 ? max(Self.minimumChunk, 4 * input.count) : max(Self.minimumChunk, produced)
            let room = min(step, limit - produced + 1)
            var status: Int32 = Z_OK
            let inflateInto = { (tail: UnsafeMutableRawBufferPointer) -> Int in
                self.stream.pointee.next_out = tail.baseAddress?.assumingMemoryBound(to: Bytef.self)
                self.stream.pointee.avail_out = uInt(tail.count)
                status = CZlib.inflate(self.stream, Z_SYNC_FLUSH)
                return tail.count - Int(self.stream.pointee.avail_out)
            }
            if output.isEmpty {
                // The common case, one step into a new array: no zero-filling, no copy.
                output = [UInt8](unsafeUninitializedCapacity: room) { buffer, initialized in
                    initialized = inflateInto(UnsafeMutableRawBufferPointer(buffer))
                }
            } else {
                let start = output.count
                output.append(contentsOf: repeatElement(0, count: room))
                let written = output.withUnsafeMutableBytes {
                    inflateInto(UnsafeMutableRawBufferPointer(rebasing: $0[start...]))
                }
                output.removeLast(room - written)
            }
            if output.count - base > limit { return .tooLarge }
            switch status {
            case Z_STREAM_END:
                // A block with BFINAL set (RFC 7692 §7.2.3.4): what follows starts a new stream.
                finalBlocksInMessage += 1
                guard finalBlocksInMessage <= Self.maxFinalBlocksPerMessage else {
                    return .invalidData("more than \(Self.maxFinalBlocksPerMessage) final blocks in one message")
                }
                restartKeepingWindow()
                if stream.pointee.avail_in == 0 { return nil }
            case Z_OK:
                // Done when all input is consumed and zlib did not fill the room it had.
                if stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0 { return nil }
            case Z_BUF_ERROR:
                return nil  // No progress possible with room left: all input is consumed.
            default:
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                return .invalidData(message)
            }
        }
    }

    /// Real compressors end a message's data with one final block at most; each one costs a copy
    /// of the window, so a message made of thousands of tiny final blocks is refused.
    static let maxFinalBlocksPerMessage = 8
    private var finalBlocksInMessage = 0

    /// Starts counting final blocks for a new message.
    func beginMessage() {
        finalBlocksInMessage = 0
    }

    /// After a final block: a new stream that starts with the old one's window as its dictionary,
    /// so that later messages may still refer to earlier ones (context takeover).
    private func restartKeepingWindow() {
        var window = [UInt8](repeating: 0, count: 1 << windowBits)
        var length: uInt = 0
        let got = window.withUnsafeMutableBufferPointer { inflateGetDictionary(stream, $0.baseAddress, &length) }
        inflateReset(stream)
        if got == Z_OK && length > 0 {
            _ = window.withUnsafeBufferPointer { inflateSetDictionary(stream, $0.baseAddress, length) }
        }
    }
}
