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

    /// A buffer of many masked binary frames of `payloadSize` bytes each, about `totalPayload` bytes of payload in all.
    static func maskedStream(payloadSize: Int, totalPayload: Int) -> (wire: [UInt8], frames: Int, payloadBytes: Int) {
        let frames = max(1, totalPayload / payloadSize)
        let body = payload(payloadSize)
        var wire: [UInt8] = []
        wire.reserveCapacity(frames * (payloadSize + 14))
        for index in 0..<frames {
            wire += maskedFrame(payload: body, key: maskKey(index))
        }
        return (wire, frames, frames * payloadSize)
    }

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
