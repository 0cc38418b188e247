extension OutboundMessage {
    /// `{"status":"subscribed","entityId":"E"}`: the answer to a successful subscribe.
    public static func subscribed(_ entity: EntityID) -> OutboundMessage {
        status(#"{"status":"subscribed","entityId":"#, entity)
    }

    /// `{"status":"unsubscribed","entityId":"E"}`: the answer to an unsubscribe.
    public static func unsubscribed(_ entity: EntityID) -> OutboundMessage {
        status(#"{"status":"unsubscribed","entityId":"#, entity)
    }

    /// `prefix`, the entity quoted, `}`: written into one exactly sized array, since every
    /// subscribe and unsubscribe is answered with one.
    private static func status(_ prefix: StaticString, _ entity: EntityID) -> OutboundMessage {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(prefix.utf8CodeUnitCount + entity.rawValue.utf8.count + 3)
        prefix.withUTF8Buffer { bytes.append(contentsOf: $0) }
        JSONEscaping.appendQuoted(entity.rawValue, to: &bytes)
        bytes.append(UInt8(ascii: "}"))
        return OutboundMessage(bytes: bytes, kind: .text)
    }
}
