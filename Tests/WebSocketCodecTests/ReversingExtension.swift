import WebSocketCodec

/// A test extension: claims RSV1 and sends payloads reversed.
struct ReversingExtension: WebSocketExtension {
    var name: String { "x-reverse" }
    var reservedBits: WebSocketReservedBits { .rsv1 }
    /// Fails decoding of payloads that start (once reversed back) with this byte.
    var poison: UInt8 = 0xFF

    func decode(
        _ message: WebSocketExtensionMessage,
        maxPayloadLength: Int
    ) throws(WebSocketProtocolError) -> WebSocketExtensionMessage {
        guard message.reservedBits.contains(.rsv1) else { return message }
        var message = message
        message.payload.reverse()
        message.reservedBits.remove(.rsv1)
        if message.payload.first == poison {
            throw WebSocketProtocolError(
                .extensionFailure(extensionName: name, reason: "poisoned payload", closeCode: .unsupportedData)
            )
        }
        return message
    }

    func encode(_ message: WebSocketExtensionMessage) -> WebSocketExtensionMessage {
        var message = message
        message.payload.reverse()
        message.reservedBits.insert(.rsv1)
        return message
    }
}
