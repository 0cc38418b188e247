import Foundation
import WebSocketPubSub

/// The notifications nodes exchange through PostgreSQL, as compact JSON texts.
///
/// An event travels on the cluster's event channel; each node answers the publisher on the
/// publisher's own reply channel with what it delivered. PostgreSQL refuses a notification payload
/// of 8000 bytes or more, so a larger event is stored in a table and its notification carries only
/// the key (``stored(event:reply:)``).
enum ClusterMessage {
    /// The largest payload sent inline; PostgreSQL's limit is "shorter than 8000 bytes".
    static let maximumInlinePayload = 7999

    /// An event as it is delivered: `{"event":…,"reply":…,"entityId":…,"message":M}`, `M` byte for byte.
    static func event(id: UUID, reply: String, entityId: EntityID, message: [UInt8]) -> String {
        var bytes = Array(head(id: id, reply: reply, entityId: entityId).utf8)
        bytes.append(contentsOf: Array(",\"message\":".utf8))
        bytes.append(contentsOf: message)
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The start of an event's text, `{"event":…,"reply":…,"entityId":…`: with history, the
    /// database appends `,"offset":N,"epoch":"…","message":M}` once it has numbered the event.
    static func head(id: UUID, reply: String, entityId: EntityID) -> String {
        var bytes = Array("{\"event\":\"\(id.uuidString.lowercased())\",\"reply\":".utf8)
        JSONEscaping.appendQuoted(reply, to: &bytes)
        bytes.append(contentsOf: Array(",\"entityId\":".utf8))
        JSONEscaping.appendQuoted(entityId.rawValue, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The notification of an event whose text is in the event-body table under `event`.
    static func stored(event id: UUID, reply: String) -> String {
        "{\"event\":\"\(id.uuidString.lowercased())\",\"reply\":\(JSONEscaping.quoted(reply)),\"stored\":true}"
    }

    /// A notification on the event channel, read.
    struct Notice: Hashable, Sendable {
        var event: UUID
        var reply: String
        /// The entity and message, or `nil` when the text is in the event-body table.
        var content: Content?
    }

    struct Content: Hashable, Sendable {
        var entityId: EntityID
        var message: [UInt8]
        /// The event's position in its entity's history, when it was published with history.
        var position: HistoryPosition?
    }

    /// A message that is not one of ours: a hand-made NOTIFY on the channel, or another version.
    struct Malformed: Error, Hashable, CustomStringConvertible {
        var reason: String
        var description: String { "malformed cluster notification: \(reason)" }
    }

    /// Reads an event notification, or the stored text of one.
    static func parseEvent(_ text: String) throws(Malformed) -> Notice {
        let bytes = Array(text.utf8)
        let scanner = JSONScanner()
        do {
            let event = try eventID(in: bytes, scanner: scanner)
            guard let reply = try scanner.member("reply", in: bytes)?.string else {
                throw Malformed(reason: "no reply channel")
            }
            if let stored = try scanner.member("stored", in: bytes), stored.kind == .boolean,
                bytes[stored.range.lowerBound] == UInt8(ascii: "t")
            {
                return Notice(event: event, reply: reply, content: nil)
            }
            guard let entityText = try scanner.member("entityId", in: bytes)?.string else {
                throw Malformed(reason: "no entityId")
            }
            guard let entityId = try? EntityID(validating: entityText) else {
                throw Malformed(reason: "invalid entityId")
            }
            guard let message = try scanner.member("message", in: bytes) else { throw Malformed(reason: "no message") }
            return Notice(
                event: event, reply: reply,
                content: Content(
                    entityId: entityId, message: Array(bytes[message.range]),
                    position: try position(in: bytes, scanner: scanner)))
        } catch let error as Malformed {
            throw error
        } catch {
            throw Malformed(reason: "\(error)")
        }
    }

    /// The `offset` and `epoch` members, both or neither.
    private static func position(in bytes: [UInt8], scanner: JSONScanner) throws -> HistoryPosition? {
        let offset = try scanner.member("offset", in: bytes)
        let epoch = try scanner.member("epoch", in: bytes)
        if offset == nil && epoch == nil { return nil }
        guard let offset, offset.kind == .number, let value = Int(String(decoding: bytes[offset.range], as: UTF8.self)),
            value > 0
        else { throw Malformed(reason: "no positive integer offset") }
        guard let text = epoch?.string, !text.isEmpty else { throw Malformed(reason: "no epoch") }
        return HistoryPosition(offset: value, epoch: text)
    }

    /// The `event` member of either kind of notification.
    private static func eventID(in bytes: [UInt8], scanner: JSONScanner) throws -> UUID {
        guard let text = try scanner.member("event", in: bytes)?.string, let event = UUID(uuidString: text) else {
            throw Malformed(reason: "no event id")
        }
        return event
    }

    /// What one node delivered for one event.
    struct Report: Hashable, Sendable {
        var event: UUID
        var node: String
        var recipients: Int
        var delivered: Int
        var gone: Int
        var failed: Int
    }

    static func report(_ report: Report) -> String {
        "{\"event\":\"\(report.event.uuidString.lowercased())\",\"node\":\(JSONEscaping.quoted(report.node)),"
            + "\"recipients\":\(report.recipients),\"delivered\":\(report.delivered),"
            + "\"gone\":\(report.gone),\"failed\":\(report.failed)}"
    }

    static func parseReport(_ text: String) throws(Malformed) -> Report {
        let bytes = Array(text.utf8)
        let scanner = JSONScanner()
        do {
            let event = try eventID(in: bytes, scanner: scanner)
            guard let node = try scanner.member("node", in: bytes)?.string else { throw Malformed(reason: "no node") }
            func count(_ key: String) throws -> Int {
                guard let member = try scanner.member(key, in: bytes), member.kind == .number,
                    let value = Int(String(decoding: bytes[member.range], as: UTF8.self)), value >= 0
                else { throw Malformed(reason: "no count \(key)") }
                return value
            }
            return Report(
                event: event, node: node, recipients: try count("recipients"), delivered: try count("delivered"),
                gone: try count("gone"), failed: try count("failed"))
        } catch let error as Malformed {
            throw error
        } catch {
            throw Malformed(reason: "\(error)")
        }
    }
}
