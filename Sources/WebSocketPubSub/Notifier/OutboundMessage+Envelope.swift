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
        for byte in id { idLength += JSONEscaping.escapedLength(of: byte) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(prefix.count + idLength + middle.count + json.count + 1)
        bytes.append(contentsOf: prefix)
        for byte in id { JSONEscaping.appendEscaped(byte, to: &bytes) }
        bytes.append(contentsOf: middle)
        bytes.append(contentsOf: json)
        bytes.append(UInt8(ascii: "}"))
        return OutboundMessage(bytes: bytes, kind: .text)
    }
}
