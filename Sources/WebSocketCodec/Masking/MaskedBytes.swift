/// Bytes as they read once XORed with a masking key, for `Array.append(contentsOf:)`.
///
/// Why a sequence: appending to an array's spare capacity has no public API, and growing the array
/// with zeros first (`append(contentsOf: repeatElement(0, count:))`) and then overwriting them costs
/// a second pass of stores over the whole payload, half the speed of a large frame's decode. The
/// standard library appends a sequence by handing `_copyContents(initializing:)` the array's
/// uninitialized tail; this sequence writes the masked bytes straight into it, in one pass.
struct MaskedBytes: Sequence {
    let source: UnsafeRawBufferPointer
    /// `nil`: the bytes as they are.
    let key: WSMaskingKey?
    /// The position of `source`'s first byte in its frame's payload.
    let keyOffset: Int

    var underestimatedCount: Int { source.count }

    func makeIterator() -> Iterator {
        Iterator(bytes: self, position: 0)
    }

    /// Byte by byte: only for a consumer that does not take ``_copyContents(initializing:)``.
    struct Iterator: IteratorProtocol {
        let bytes: MaskedBytes
        var position: Int

        mutating func next() -> UInt8? {
            guard position < bytes.source.count else { return nil }
            defer { position += 1 }
            let byte = bytes.source[position]
            guard let key = bytes.key else { return byte }
            return byte ^ key[bytes.keyOffset + position]
        }
    }

    func _copyContents(initializing buffer: UnsafeMutableBufferPointer<UInt8>) -> (Iterator, Int) {
        let count = Swift.min(buffer.count, source.count)
        guard count > 0 else { return (Iterator(bytes: self, position: 0), 0) }
        let head = UnsafeRawBufferPointer(rebasing: source[..<count])
        let target = UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[..<count]))
        WSMasking.copy(head, to: target, maskingWith: key, keyOffset: keyOffset)
        return (Iterator(bytes: self, position: count), count)
    }
}
