/// The XOR masking of RFC 6455 §5.3, eight bytes at a time.
///
/// Masking and unmasking are the same operation. Every function takes a `keyOffset`: the position
/// in the frame's payload of the first byte given, so a payload that arrives in several chunks is
/// unmasked chunk by chunk with the key staying aligned (`keyOffset` is taken modulo 4).
///
/// The work is done on 64-bit words read and written unaligned, four words per iteration, with
/// a byte loop only for the last 0...7 bytes; the key is rotated once per call instead of being
/// indexed once per byte.
public enum WSMasking {
    /// Masks (or unmasks) `buffer` in place.
    ///
    /// ```swift
    /// WSMasking.mask(buffer, with: key, keyOffset: bytesSeenSoFar)
    /// ```
    public static func mask(_ buffer: UnsafeMutableRawBufferPointer, with key: WSMaskingKey, keyOffset: Int = 0) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        xor(from: UnsafeRawPointer(base), to: base, count: buffer.count, key: key, keyOffset: keyOffset)
    }

    /// Masks (or unmasks) `bytes` in place.
    public static func mask(_ bytes: inout [UInt8], with key: WSMaskingKey, keyOffset: Int = 0) {
        bytes.withUnsafeMutableBytes { mask($0, with: key, keyOffset: keyOffset) }
    }

    /// Writes `source` masked (or unmasked) with `key` into the start of `destination`: a copy and
    /// an unmask in one pass over the bytes.
    ///
    /// - Precondition: `destination.count >= source.count`. The two regions may be the same memory
    ///   but must not otherwise overlap.
    public static func copy(
        _ source: UnsafeRawBufferPointer,
        to destination: UnsafeMutableRawBufferPointer,
        maskingWith key: WSMaskingKey,
        keyOffset: Int = 0
    ) {
        copy(source, to: destination, maskingWith: .some(key), keyOffset: keyOffset)
    }

    /// ``copy(_:to:maskingWith:keyOffset:)``, or a plain copy when there is no key (an unmasked
    /// frame): the one place the codec chooses between the two, and the one that checks the regions.
    ///
    /// - Precondition: `destination.count >= source.count`.
    static func copy(
        _ source: UnsafeRawBufferPointer,
        to destination: UnsafeMutableRawBufferPointer,
        maskingWith key: WSMaskingKey?,
        keyOffset: Int = 0
    ) {
        precondition(destination.count >= source.count, "destination is shorter than the source")
        guard let from = source.baseAddress, let to = destination.baseAddress, source.count > 0 else { return }
        if let key {
            xor(from: from, to: to, count: source.count, key: key, keyOffset: keyOffset)
        } else {
            to.copyMemory(from: from, byteCount: source.count)
        }
    }

    /// The shared loop: `to[i] = from[i] ^ key[(keyOffset + i) % 4]` for `i < count`.
    private static func xor(
        from: UnsafeRawPointer,
        to: UnsafeMutableRawPointer,
        count: Int,
        key: WSMaskingKey,
        keyOffset: Int
    ) {
        let pattern32 = key.rotatedLittleEndianPattern(offset: keyOffset)
        // Packed little-endian, then converted, so that the pattern's bytes sit in memory in the
        // order they mask the payload on any host byte order.
        let pattern = UInt64(littleEndian: UInt64(pattern32) | UInt64(pattern32) << 32)
        var index = 0
        while index &+ 32 <= count {
            let w0 = from.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let w1 = from.loadUnaligned(fromByteOffset: index &+ 8, as: UInt64.self)
            let w2 = from.loadUnaligned(fromByteOffset: index &+ 16, as: UInt64.self)
            let w3 = from.loadUnaligned(fromByteOffset: index &+ 24, as: UInt64.self)
            to.storeBytes(of: w0 ^ pattern, toByteOffset: index, as: UInt64.self)
            to.storeBytes(of: w1 ^ pattern, toByteOffset: index &+ 8, as: UInt64.self)
            to.storeBytes(of: w2 ^ pattern, toByteOffset: index &+ 16, as: UInt64.self)
            to.storeBytes(of: w3 ^ pattern, toByteOffset: index &+ 24, as: UInt64.self)
            index &+= 32
        }
        while index &+ 8 <= count {
            let word = from.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            to.storeBytes(of: word ^ pattern, toByteOffset: index, as: UInt64.self)
            index &+= 8
        }
        while index < count {
            let keyByte = UInt8(truncatingIfNeeded: pattern32 >> UInt32((index & 3) * 8))
            to.storeBytes(
                of: from.load(fromByteOffset: index, as: UInt8.self) ^ keyByte, toByteOffset: index, as: UInt8.self)
            index &+= 1
        }
    }
}
