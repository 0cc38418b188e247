extension OutboundMessage {
    /// The text message `{"entityId":"E","message":M}` that subscribers of `entityId` receive, M being `json`.
    ///
    /// The envelope is built by concatenating bytes: the entity id is written as a JSON string (quote,
    /// backslash and control characters escaped as RFC 8259 requires, other characters as UTF-8), and
    /// `json` is copied unchanged. Nothing is parsed or re-serialized, so the cost is one exactly
    /// sized allocation and a copy.
    ///
    /// - Parameters:
    ///   - entityId: The entity the message belongs to.
    ///   - json: One serialized JSON value. It is not validated: the caller must pass valid JSON, or
    ///     the envelope will not be valid JSON either.
    ///
    /// ```swift
    /// let message = OutboundMessage.entityEnvelope(entityId: game, json: Array(#"{"score":3}"#.utf8))
    /// // {"entityId":"game-42","message":{"score":3}}
    /// ```
    public static func entityEnvelope(entityId: EntityID, json: some Collection<UInt8>) -> OutboundMessage {
        let prefix = #"{"entityId":""#.utf8
        let middle = #"","message":"#.utf8
        let id = entityId.rawValue.utf8
        var idLength = 0
        for byte in id { idLength += Self.escapedLength(of: byte) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(prefix.count + idLength + middle.count + json.count + 1)
        bytes.append(contentsOf: prefix)
        for byte in id { Self.appendEscaped(byte, to: &bytes) }
        bytes.append(contentsOf: middle)
        bytes.append(contentsOf: json)
        bytes.append(UInt8(ascii: "}"))
        return OutboundMessage(bytes: bytes, kind: .text)
    }

    private static func escapedLength(of byte: UInt8) -> Int {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x08, 0x09, 0x0A, 0x0C, 0x0D: 2
        case 0x00..<0x20: 6
        default: 1
        }
    }

    private static func appendEscaped(_ byte: UInt8, to bytes: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
        case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
        case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
        case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
        case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
        case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
        case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
        case 0x00..<0x20:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
            bytes.append(hex[Int(byte >> 4)])
            bytes.append(hex[Int(byte & 0x0F)])
        default:
            bytes.append(byte)
        }
    }
}
