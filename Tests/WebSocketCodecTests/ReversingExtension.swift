import WebSocketCodec

/// A test extension: claims RSV1 and sends payloads reversed.
struct ReversingExtension: WSExtension {
    var name: String { "x-reverse" }
    var reservedBits: WSReservedBits { .rsv1 }
    /// Fails decoding of payloads that start (once reversed back) with this byte.
    var poison: UInt8 = 0xFF

    func decode(
        _ message: WSExtensionMessage,
        maxPayloadLength: Int
    ) throws(WSProtocolError) -> WSExtensionMessage {
        guard message.reservedBits.contains(.rsv1) else { return message }
        var message = message
        message.payload.reverse()
        message.reservedBits.remove(.rsv1)
        if message.payload.first == poison {
            throw WSProtocolError(
                .extensionFailure(extensionName: name, reason: "poisoned payload", closeCode: .unsupportedData)
            )
        }
        return message
    }

    func encode(_ message: WSExtensionMessage) -> WSExtensionMessage {
        var message = message
        message.payload.reverse()
        message.reservedBits.insert(.rsv1)
        return message
    }
}
