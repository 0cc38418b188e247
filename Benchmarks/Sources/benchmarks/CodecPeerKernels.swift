import Foundation

/// The plain loops and standard-library calls that our kernels are compared with.
enum PeerKernels {
    /// Byte-at-a-time XOR with a 4-byte key: what a straightforward unmasking looks like.
    @inline(never)
    static func unmaskBytewise(_ bytes: UnsafeMutableRawBufferPointer, key: (UInt8, UInt8, UInt8, UInt8)) {
        let keyBytes = [key.0, key.1, key.2, key.3]
        var index = 0
        while index < bytes.count {
            bytes[index] ^= keyBytes[index & 3]
            index &+= 1
        }
    }

    /// The standard library's validating initializer, as a host without our validator would use it.
    @inline(never)
    static func validateWithString(_ bytes: [UInt8]) -> Bool {
        String(validating: bytes, as: UTF8.self) != nil
    }
}
