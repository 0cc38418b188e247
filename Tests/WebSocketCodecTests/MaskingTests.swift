import Testing
import WebSocketCodec

@Suite("Masking")
struct MaskingTests {
    static let key = WSMaskingKey(0x37, 0xFA, 0x21, 0x3D)

    static func payload(count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    }

    @Test("in-place masking equals the byte-by-byte reference", arguments: 0...3)
    func inPlaceMatchesReference(keyOffset: Int) {
        for length in 0...70 {
            for misalignment in 0..<8 {
                let plain = Self.payload(count: length)
                var storage = [UInt8](repeating: 0xEE, count: length + misalignment + 8)
                storage.replaceSubrange(misalignment..<(misalignment + length), with: plain)
                storage.withUnsafeMutableBytes { buffer in
                    let region = UnsafeMutableRawBufferPointer(rebasing: buffer[misalignment..<(misalignment + length)])
                    WSMasking.mask(region, with: Self.key, keyOffset: keyOffset)
                }
                let expected = CodecFixtures.referenceMask(plain, key: Self.key, keyOffset: keyOffset)
                #expect(Array(storage[misalignment..<(misalignment + length)]) == expected, "length \(length)")
                // Bytes around the region stay untouched.
                #expect(storage[..<misalignment].allSatisfy { $0 == 0xEE })
                #expect(storage[(misalignment + length)...].allSatisfy { $0 == 0xEE })
            }
        }
    }

    @Test("copy-and-mask equals the byte-by-byte reference", arguments: 0...3)
    func copyMatchesReference(keyOffset: Int) {
        for length in 0...70 {
            for sourceShift in 0..<4 {
                for destinationShift in [0, 1, 3, 5] {
                    let plain = Self.payload(count: length)
                    let source = [UInt8](repeating: 0, count: sourceShift) + plain
                    var destination = [UInt8](repeating: 0xEE, count: destinationShift + length + 3)
                    source.withUnsafeBytes { sourceBuffer in
                        destination.withUnsafeMutableBytes { destinationBuffer in
                            WSMasking.copy(
                                UnsafeRawBufferPointer(rebasing: sourceBuffer[sourceShift...]),
                                to: UnsafeMutableRawBufferPointer(rebasing: destinationBuffer[destinationShift...]),
                                maskingWith: Self.key,
                                keyOffset: keyOffset
                            )
                        }
                    }
                    let expected = CodecFixtures.referenceMask(plain, key: Self.key, keyOffset: keyOffset)
                    #expect(Array(destination[destinationShift..<(destinationShift + length)]) == expected)
                    #expect(destination[(destinationShift + length)...].allSatisfy { $0 == 0xEE })
                }
            }
        }
    }

    @Test("masking chunk by chunk keeps the key aligned across boundaries")
    func chunkedMaskingKeepsKeyAligned() {
        let plain = Self.payload(count: 200)
        let expected = CodecFixtures.referenceMask(plain, key: Self.key)
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<50 {
            let points = CodecFixtures.randomSplitPoints(count: plain.count, using: &generator)
            var output: [UInt8] = []
            var offset = 0
            for chunk in CodecFixtures.split(plain, at: points) {
                var piece = chunk
                WSMasking.mask(&piece, with: Self.key, keyOffset: offset)
                output += piece
                offset += chunk.count
            }
            #expect(output == expected)
        }
    }

    @Test("masking twice restores the payload")
    func maskingIsAnInvolution() {
        let plain = Self.payload(count: 1000)
        var bytes = plain
        WSMasking.mask(&bytes, with: Self.key, keyOffset: 3)
        #expect(bytes != plain)
        WSMasking.mask(&bytes, with: Self.key, keyOffset: 3)
        #expect(bytes == plain)
    }

    @Test("the RFC 6455 example masks Hello to 7f 9f 4d 51 58")
    func rfcExampleMasking() {
        var bytes = CodecFixtures.hello
        WSMasking.mask(&bytes, with: CodecFixtures.rfcKey)
        #expect(bytes == [0x7F, 0x9F, 0x4D, 0x51, 0x58])
    }

    @Test("keys round-trip through their network representation and byte collections")
    func maskingKeyRepresentations() throws {
        let key = WSMaskingKey(networkRepresentation: 0x37FA_213D)
        #expect(key == CodecFixtures.rfcKey)
        #expect(key.networkRepresentation == 0x37FA_213D)
        #expect([key[0], key[1], key[2], key[3], key[4]] == [0x37, 0xFA, 0x21, 0x3D, 0x37])
        #expect(try #require(WSMaskingKey([0x37, 0xFA, 0x21, 0x3D])) == key)
        #expect(WSMaskingKey([1, 2, 3]) == nil)
        var generator = SeededGenerator(seed: 1)
        var other = SeededGenerator(seed: 1)
        #expect(WSMaskingKey.random(using: &generator) == WSMaskingKey.random(using: &other))
    }
}
