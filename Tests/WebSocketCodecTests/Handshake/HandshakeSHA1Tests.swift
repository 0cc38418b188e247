import Testing

@testable import WebSocketCodec

@Suite("SHA-1")
struct HandshakeSHA1Tests {
    @Test(
        "FIPS 180 vectors",
        arguments: [
            ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
            ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
            ),
            (
                "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
                    + "mnopqrstnopqrstu",
                "a49b2446a02c645bf419f995b67091253a04a259"
            ),
        ]
    )
    func hashesFIPSVector(message: String, digest: String) {
        #expect(HandshakeFixtures.hex(SHA1.hash(Array(message.utf8))) == digest)
    }

    @Test func hashesOneMillionLetterA() {
        var hasher = SHA1()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 {
            hasher.update(chunk)
        }
        #expect(HandshakeFixtures.hex(hasher.finalize()) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    @Test func incrementalUpdatesAtEverySplitEqualOneShot() {
        let input = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let expected = SHA1.hash(input)
        #expect(HandshakeFixtures.hex(expected) == "9194d8145e556594766df1e7699e2dfda424d1ee")
        for split in 0...input.count {
            var hasher = SHA1()
            hasher.update(input[..<split])
            hasher.update(input[split...])
            #expect(hasher.finalize() == expected, "split at \(split)")
        }
        var byteByByte = SHA1()
        for byte in input {
            byteByByte.update(CollectionOfOne(byte))
        }
        #expect(byteByByte.finalize() == expected)
    }

    @Test(
        "Zero-filled inputs around the padding boundary (digests from Python's hashlib)",
        arguments: [
            (55, "8e8832c642a6a38c74c17fc92ccedc266c108e6c"), (56, "9438e360f578e12c0e0e8ed28e2c125c1cefee16"),
            (57, "0f2bf6d5e1a0209d19f8f6e7d08b3e2d9cf4c5ab"), (63, "0b8bf9fc37ad802cefa6733ec62b09d5f43a1b75"),
            (64, "c8d7d0ef0eedfa82d2ea1aa592845b9a6d4b02b7"), (65, "f0fa45906bd0f4c3668fcd0d8f68d4b298b30e5b"),
            (119, "85634f17f58bda0e4f0515dfb68bc1af922a031f"), (120, "b110a88a11436b215220486c1081dec2fb0f389a"),
        ]
    )
    func hashesLengthsAroundPaddingBoundary(length: Int, digest: String) {
        #expect(HandshakeFixtures.hex(SHA1.hash([UInt8](repeating: 0, count: length))) == digest)
    }
}
