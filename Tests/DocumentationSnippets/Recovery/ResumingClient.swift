import Foundation

/// A client's side of recovery: remember the last position of every entity, and ask for what
/// came after it when subscribing again.
struct ResumingClient {
    struct Position: Codable, Equatable {
        var offset: Int
        var epoch: String
    }

    private struct Incoming: Decodable {
        var status: String?
        var entityId: String?
        var offset: Int?
        var epoch: String?
        var recovered: Bool?
    }

    /// The last position seen per entity; persist it to survive an app restart.
    private(set) var positions: [String: Position] = [:]
    /// Entities whose last resubscription could not recover: reload their state from the source.
    private(set) var needsReload: Set<String> = []

    /// The subscribe message: with `since` when a position is known.
    func subscribeMessage(for entity: String) throws -> String {
        var request: [String: Any] = ["action": "subscribe", "entityId": entity]
        if let position = positions[entity] {
            request["since"] = ["offset": position.offset, "epoch": position.epoch]
        }
        return String(decoding: try JSONSerialization.data(withJSONObject: request), as: UTF8.self)
    }

    /// Call for every text message received; keeps the positions current.
    mutating func received(_ text: String) throws {
        let message = try JSONDecoder().decode(Incoming.self, from: Data(text.utf8))
        guard let entity = message.entityId, let offset = message.offset, let epoch = message.epoch else { return }
        if message.status == "subscribed" {
            if message.recovered == false { needsReload.insert(entity) }
            // The replay (if any) follows; before it, the answer's position is only a promise.
            if positions[entity] == nil || message.recovered == false {
                positions[entity] = Position(offset: offset, epoch: epoch)
            }
            return
        }
        positions[entity] = Position(offset: offset, epoch: epoch)
    }
}
