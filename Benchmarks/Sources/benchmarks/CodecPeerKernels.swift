import Foundation

/// The plain loops and standard-library calls that our kernels are compared with.
enum PeerKernels {
    /// Byte-at-a-time XOR with a 4-byte key: what a straightforward unmasking looks like. The key
    /// is read from the tuple's own bytes, so no array is made per call.
    @inline(never)
    static func unmaskBytewise(_ bytes: UnsafeMutableRawBufferPointer, key: (UInt8, UInt8, UInt8, UInt8)) {
        withUnsafeBytes(of: key) { keyBytes in
            var index = 0
            while index < bytes.count {
                bytes[index] ^= keyBytes[index & 3]
                index &+= 1
            }
        }
    }

    /// The standard library's copy-free validation: `UTF8Span(validating:)` over the bytes in place.
    @inline(never)
    static func validateWithUTF8Span(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let span = Span<UInt8>(_unsafeBytes: bytes)
        return (try? UTF8Span(validating: span)) != nil
    }

    /// `validateWithUTF8Span` over an array.
    static func validateWithUTF8Span(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { validateWithUTF8Span($0) }
    }
}
