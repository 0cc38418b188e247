extension OutboundMessage {
    /// The envelope `{"entityId":"E","message":M,"offset":7,"epoch":"…"}` of a message kept in
    /// history, marked with its position (``historyMark``).
    ///
    /// ```swift
    /// let message = OutboundMessage.entityEnvelope(
    ///     entityId: game, json: Array(#"{"score":3}"#.utf8), position: HistoryPosition(offset: 7, epoch: "e1"))
    /// // {"entityId":"game-42","message":{"score":3},"offset":7,"epoch":"e1"}
    /// ```
    public static func entityEnvelope(
        entityId: EntityID, json: some Collection<UInt8>, position: HistoryPosition
    ) -> OutboundMessage {
        var message = entityEnvelope(entityId: entityId, json: json)
        message.bytes.removeLast()
        message.bytes.append(contentsOf: ",\"offset\":\(position.offset),\"epoch\":".utf8)
        JSONEscaping.appendQuoted(position.epoch, to: &message.bytes)
        message.bytes.append(UInt8(ascii: "}"))
        message.historyMark = HistoryMark(entityId: entityId, position: position)
        return message
    }

    /// The answer to a subscribe on an entity that keeps history:
    /// `{"status":"subscribed","entityId":"E","offset":N,"epoch":"…"}`, with `"recovered":true|false`
    /// when the subscribe asked to recover from a position.
    public static func subscribed(_ entity: EntityID, position: HistoryPosition, recovered: Bool?) -> OutboundMessage {
        var bytes = Array(#"{"status":"subscribed","entityId":"#.utf8)
        JSONEscaping.appendQuoted(entity.rawValue, to: &bytes)
        bytes.append(contentsOf: ",\"offset\":\(position.offset),\"epoch\":".utf8)
        JSONEscaping.appendQuoted(position.epoch, to: &bytes)
        if let recovered { bytes.append(contentsOf: ",\"recovered\":\(recovered)".utf8) }
        bytes.append(UInt8(ascii: "}"))
        return OutboundMessage(bytes: bytes, kind: .text)
    }
}
