/// A run of payload bytes of the current frame, still masked, borrowed from the decoder's input.
///
/// Why borrowed: the decoder never copies payload. A chunk points into the buffer passed to
/// ``WSFrameDecoder/next(from:)`` and carries the masking key and the chunk's position in
/// the payload, so the consumer unmasks it in the same pass that copies it to where it belongs
/// (``appendUnmasked(to:)``, ``copyUnmasked(into:)``). A chunk is valid only as long as that input
/// buffer is; do not keep it.
///
/// Equality compares identity (the same bytes of the same buffer, key and offset), not contents.
public struct WSPayloadChunk: Equatable {
    /// The chunk's bytes as they are on the wire (masked when ``maskingKey`` is not `nil`).
    public let wireBytes: UnsafeRawBufferPointer
    /// The key to unmask with; `nil` for an unmasked frame.
    public let maskingKey: WSMaskingKey?
    /// The position of the chunk's first byte in its frame's payload.
    public let offsetInPayload: Int

    /// Creates a chunk over `wireBytes`, which start at `offsetInPayload` in a frame masked with `maskingKey`.
    public init(wireBytes: UnsafeRawBufferPointer, maskingKey: WSMaskingKey?, offsetInPayload: Int) {
        self.wireBytes = wireBytes
        self.maskingKey = maskingKey
        self.offsetInPayload = offsetInPayload
    }

    /// The number of payload bytes in the chunk.
    public var count: Int { wireBytes.count }

    /// Writes the unmasked bytes to the start of `destination` in one pass.
    ///
    /// - Precondition: `destination.count >= count`.
    public func copyUnmasked(into destination: UnsafeMutableRawBufferPointer) {
        WSMasking.copy(wireBytes, to: destination, maskingWith: maskingKey, keyOffset: offsetInPayload)
    }

    /// Appends the unmasked bytes to `array`.
    ///
    /// When `array` is empty and has no room, the bytes are unmasked straight into a new array of
    /// exactly the right size (one allocation, one pass); otherwise the array grows by `count`
    /// and the bytes are unmasked into the new tail, also in one pass.
    public func appendUnmasked(to array: inout [UInt8]) {
        let count = self.count
        guard count > 0 else { return }
        if array.isEmpty && array.capacity < count {
            array = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                copyUnmasked(into: UnsafeMutableRawBufferPointer(buffer))
                initialized = count
            }
            return
        }
        array.append(contentsOf: MaskedBytes(source: wireBytes, key: maskingKey, keyOffset: offsetInPayload))
    }

    /// The unmasked bytes in a new array.
    public var unmaskedBytes: [UInt8] {
        var bytes: [UInt8] = []
        appendUnmasked(to: &bytes)
        return bytes
    }

    /// Two chunks are equal when they cover the same memory with the same key and offset.
    public static func == (lhs: WSPayloadChunk, rhs: WSPayloadChunk) -> Bool {
        lhs.wireBytes.baseAddress == rhs.wireBytes.baseAddress && lhs.wireBytes.count == rhs.wireBytes.count
            && lhs.maskingKey == rhs.maskingKey && lhs.offsetInPayload == rhs.offsetInPayload
    }
}
