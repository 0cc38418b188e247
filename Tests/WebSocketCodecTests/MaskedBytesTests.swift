import Testing

@testable import WebSocketCodec

/// `MaskedBytes` writes masked bytes straight into an array's spare capacity; these compare every
/// way of reading it with a byte-by-byte reference.
@Suite("MaskedBytes: masked bytes appended without a zero fill")
struct MaskedBytesTests {
    static let key = WSMaskingKey(0x37, 0xFA, 0x21, 0x3D)

    static func reference(_ bytes: [UInt8], key: WSMaskingKey?, keyOffset: Int) -> [UInt8] {
        guard let key else { return bytes }
        return bytes.enumerated().map { $0.element ^ key[keyOffset + $0.offset] }
    }

    @Test("appending to an array with room, after what it holds, equals the reference", arguments: 0...3)
    func appendsAfterExistingBytes(keyOffset: Int) {
        for length in 0...70 {
            let payload = MaskingTests.payload(count: length)
            for key in [Self.key, nil] {
                for prefix in [[], [UInt8](repeating: 0xAA, count: 5)] {
                    var array = prefix
                    array.reserveCapacity(prefix.count + length + 16)
                    payload.withUnsafeBytes { source in
                        array.append(contentsOf: MaskedBytes(source: source, key: key, keyOffset: keyOffset))
                    }
                    #expect(array == prefix + Self.reference(payload, key: key, keyOffset: keyOffset))
                }
            }
        }
    }

    @Test("the iterator, and a bulk copy cut short then finished by it, equal the reference")
    func iteratorAndPartialCopyAgree() {
        let payload = MaskingTests.payload(count: 37)
        let expected = Self.reference(payload, key: Self.key, keyOffset: 2)
        payload.withUnsafeBytes { source in
            let bytes = MaskedBytes(source: source, key: Self.key, keyOffset: 2)
            #expect(Array(IteratorSequence(bytes.makeIterator())) == expected)
            for room in [0, 1, 13, 36] {
                var head = [UInt8](repeating: 0, count: room)
                let (rest, written) = head.withUnsafeMutableBufferPointer { bytes._copyContents(initializing: $0) }
                #expect(written == room)
                #expect(head + Array(IteratorSequence(rest)) == expected, "room \(room)")
            }
        }
    }

    @Test("a payload chunk appended to a message buffer with room is unmasked in place of the zeros")
    func chunkAppendsIntoReservedRoom() {
        let payload = MaskingTests.payload(count: 1_000)
        let masked = Self.reference(payload, key: Self.key, keyOffset: 0)
        var message: [UInt8] = []
        message.reserveCapacity(1_000)
        masked.withUnsafeBytes { wire in
            // Two chunks of one frame, the second starting at payload offset 333.
            WSPayloadChunk(
                wireBytes: UnsafeRawBufferPointer(rebasing: wire[..<333]), maskingKey: Self.key, offsetInPayload: 0
            )
            .appendUnmasked(to: &message)
            WSPayloadChunk(
                wireBytes: UnsafeRawBufferPointer(rebasing: wire[333...]), maskingKey: Self.key, offsetInPayload: 333
            )
            .appendUnmasked(to: &message)
        }
        #expect(message == payload)
    }
}
