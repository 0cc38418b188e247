/// Byte-exact comparison of two strings' UTF-8, for the identifiers' `==`.
///
/// `String.UTF8View.elementsEqual` walks both views through the generic `Sequence` path, one index
/// step per byte; a store compares an identifier on every table lookup, where that showed up as 8%
/// of a subscribe. Here both texts are read from contiguous storage, eight bytes at a time.
enum UTF8Bytes {
    @inline(__always)
    static func equal(_ lhs: String, _ rhs: String) -> Bool {
        let left = lhs.utf8
        let right = rhs.utf8
        guard left.count == right.count else { return false }
        let contiguous = left.withContiguousStorageIfAvailable { a in
            right.withContiguousStorageIfAvailable { b in equal(UnsafeRawBufferPointer(a), UnsafeRawBufferPointer(b)) }
        }
        if let result = contiguous ?? nil { return result }
        return left.elementsEqual(right)
    }

    /// Whether two buffers of the same length hold the same bytes.
    @inline(__always)
    static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        let count = a.count
        guard count == b.count else { return false }
        guard let left = a.baseAddress, let right = b.baseAddress else { return count == 0 }
        var index = 0
        while index &+ 8 <= count {
            guard
                left.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    == right.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            else { return false }
            index &+= 8
        }
        while index < count {
            guard left.load(fromByteOffset: index, as: UInt8.self) == right.load(fromByteOffset: index, as: UInt8.self)
            else { return false }
            index &+= 1
        }
        return true
    }
}
