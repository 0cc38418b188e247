public import Foundation
public import WebSocketPubSub

extension OutboundMessage {
    /// The payload as text, for assertions: `nil` for a binary message, or for bytes that are not
    /// valid UTF-8 (which a text message must never hold).
    ///
    /// ```swift
    /// #expect(sender.deliveries(to: id).map(\.text) == [#"{"entityId":"game-1","message":1}"#])
    /// ```
    public var text: String? {
        guard kind == .text else { return nil }
        let decoded = String(decoding: bytes, as: UTF8.self)
        // Decoding replaces invalid sequences with U+FFFD; equal bytes mean there were none.
        return decoded.utf8.elementsEqual(bytes) ? decoded : nil
    }

    /// Decodes the payload as JSON into `type`.
    ///
    /// - Throws: `DecodingError` when the payload is not that JSON.
    public func decoded<Value: Decodable>(as type: Value.Type, using decoder: JSONDecoder = JSONDecoder()) throws
        -> Value
    {
        try decoder.decode(type, from: Data(bytes))
    }
}
