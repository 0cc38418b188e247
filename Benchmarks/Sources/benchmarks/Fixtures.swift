/// Wire bytes built by hand, so that neither codec under test produces the other's input.
enum Fixtures {
    /// A payload of `count` bytes with a repeating, non-trivial pattern.
    static func payload(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    }

    /// The masking key of frame number `index`: varied so that no codec can cache one key.
    static func maskKey(_ index: Int) -> [UInt8] {
        let seed = UInt32(truncatingIfNeeded: index &* 2_654_435_761 &+ 0x9E37_79B9)
        return [
            UInt8(seed >> 24), UInt8(truncatingIfNeeded: seed >> 16), UInt8(truncatingIfNeeded: seed >> 8),
            UInt8(truncatingIfNeeded: seed),
        ]
    }

    /// One final frame (`opcode` 0x2 binary by default) as a client sends it: masked, minimal length encoding.
    static func maskedFrame(payload: [UInt8], key: [UInt8], opcode: UInt8 = 0x2) -> [UInt8] {
        var frame = header(length: payload.count, opcode: opcode, masked: true)
        frame += key
        frame.reserveCapacity(frame.count + payload.count)
        for (index, byte) in payload.enumerated() {
            frame.append(byte ^ key[index & 3])
        }
        return frame
    }

    /// The header of a final frame, with the mask bit as given and no key.
    static func header(length: Int, opcode: UInt8, masked: Bool) -> [UInt8] {
        let maskBit: UInt8 = masked ? 0x80 : 0
        var bytes: [UInt8] = [0x80 | opcode]
        if length < 126 {
            bytes.append(maskBit | UInt8(length))
        } else if length <= 0xFFFF {
            bytes += [maskBit | 126, UInt8(length >> 8), UInt8(truncatingIfNeeded: length)]
        } else {
            bytes.append(maskBit | 127)
            for shift in stride(from: 56, through: 0, by: -8) {
                bytes.append(UInt8(truncatingIfNeeded: length >> shift))
            }
        }
        return bytes
    }

    /// A stream of masked frames as a client sends them, with what a decoder must hand out.
    struct Stream {
        /// The wire bytes.
        var wire: [UInt8]
        /// The number of frames.
        var frames: Int
        /// The payload bytes in all frames.
        var payloadBytes: Int
        /// The wrapping sum of every unmasked payload byte, recorded while the stream was built.
        var payloadSum: UInt64
    }

    /// The payload of binary frame number `index`: `count` bytes whose pattern differs per frame.
    static func binaryPayload(_ count: Int, frame index: Int) -> [UInt8] {
        let offset = index &* 101
        return (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7 &+ offset) }
    }

    /// The payload of text frame number `index`: `count` bytes of mixed UTF-8 starting at a different
    /// character per frame (so frames differ), padded with ASCII to the exact size.
    static func textPayload(_ count: Int, frame index: Int) -> [UInt8] {
        let unit = Array(mixedUnit.utf8)
        let starts = characterStarts
        let start = starts[index % starts.count]
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        var position = start
        while true {
            // Copy whole characters only: find the end of the character at `position`.
            var end = position &+ 1
            while end < unit.count && unit[end] & 0xC0 == 0x80 { end &+= 1 }
            if bytes.count + (end - position) > count { break }
            bytes.append(contentsOf: unit[position..<end])
            position = end == unit.count ? 0 : end
        }
        while bytes.count < count { bytes.append(0x61 &+ UInt8(truncatingIfNeeded: bytes.count % 26)) }
        return bytes
    }

    private static let mixedUnit = "Grüße aus Zürich, ¿qué tal? Привет мир! 你好，世界。こんにちは 🎉🚀 hello "
    private static let characterStarts: [Int] = {
        let unit = Array(mixedUnit.utf8)
        return unit.indices.filter { unit[$0] & 0xC0 != 0x80 }
    }()

    /// A stream of at least `totalPayload` bytes of payload in masked frames of `payloadSize` bytes
    /// (binary, or text of mixed UTF-8), each frame's payload and key different from the last.
    static func maskedStream(payloadSize: Int, totalPayload: Int, text: Bool = false) -> Stream {
        let frames = max(1, (totalPayload + payloadSize - 1) / payloadSize)
        var wire: [UInt8] = []
        wire.reserveCapacity(frames * (payloadSize + 14))
        var sum: UInt64 = 0
        // Frames repeat after this many, so that building 16 MiB of 16-byte frames stays quick.
        let distinct = 4096
        var cache: [[UInt8]] = []
        for index in 0..<frames {
            let payload: [UInt8]
            if index < distinct {
                payload =
                    text ? textPayload(payloadSize, frame: index) : binaryPayload(payloadSize, frame: index)
                if payloadSize <= 4096 { cache.append(payload) }
            } else if payloadSize <= 4096 {
                payload = cache[index % distinct]
            } else {
                payload =
                    text ? textPayload(payloadSize, frame: index) : binaryPayload(payloadSize, frame: index)
            }
            for byte in payload { sum &+= UInt64(byte) }
            wire += maskedFrame(payload: payload, key: maskKey(index), opcode: text ? 0x1 : 0x2)
        }
        return Stream(wire: wire, frames: frames, payloadBytes: frames * payloadSize, payloadSum: sum)
    }

    /// The size of one read from a socket: each side is fed the stream in slices of this size.
    static let readSize = 64 * 1024

    /// The smallest stream a decode case runs over: large enough to leave the caches.
    static let streamBytes = 16 << 20

    /// 64 KiB of ASCII JSON-like text.
    static func asciiText(_ count: Int) -> [UInt8] {
        let unit = Array(#"{"entityId":"room-42","message":{"text":"hello, world","n":12345}} "#.utf8)
        return (0..<count).map { unit[$0 % unit.count] }
    }

    /// `count` bytes (rounded down to whole characters) of text mixing 1-, 2-, 3- and 4-byte UTF-8 sequences.
    static func mixedText(_ count: Int) -> [UInt8] {
        let unit = Array("Grüße aus Zürich, ¿qué tal? Привет мир! 你好，世界。こんにちは 🎉🚀 hello ".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count + unit.count <= count {
            bytes += unit
        }
        // Pad with ASCII so the length is exact and the text still valid.
        while bytes.count < count {
            bytes.append(0x61)
        }
        return bytes
    }

    /// A JSON text message of about `size` bytes with an `action` member, as a client sends to the router.
    static func actionMessage(size: Int) -> [UInt8] {
        let head = #"{"action":"publish","entityId":"room-42","message":{"kind":"chat","items":["#
        let tail = "]}}"
        var items: [String] = []
        var length = head.utf8.count + tail.utf8.count
        var index = 0
        while true {
            let item = #"{"id":\#(index),"text":"message number \#(index)","ok":true}"#
            let extra = item.utf8.count + (items.isEmpty ? 0 : 1)
            if length + extra > size { break }
            items.append(item)
            length += extra
            index += 1
        }
        var text = head + items.joined(separator: ",") + tail
        // Pad inside a string so the message is exactly `size` bytes and still valid JSON.
        if text.utf8.count < size {
            let pad = size - text.utf8.count
            if pad >= 9 {
                text =
                    head + items.joined(separator: ",") + tail.dropLast()
                    + #","p":""# + String(repeating: "x", count: pad - 7) + "\"}"
            }
        }
        return Array(text.utf8)
    }
}
