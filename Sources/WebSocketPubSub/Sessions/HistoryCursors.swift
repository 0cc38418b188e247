/// Where one session stands in the history of each entity it subscribed to with history on: the
/// latest offset queued per entity, and the published messages held while a subscribe to that
/// entity is between its store call and its answer.
///
/// The cursors live in an array indexed through a dictionary, so that the per-delivery check costs
/// one hash of the entity id and updates the cursor in place.
struct HistoryCursors: Sendable {
    struct Cursor: Sendable {
        var entity: EntityID
        /// The epoch of ``latest``; empty before the first answer.
        var epoch: String
        /// The latest offset queued for the connection.
        var latest: Int
        /// Published messages held while a subscribe is in flight; `nil` when none is.
        var held: [OutboundMessage]?
    }

    /// What to do with a published message.
    enum Admission {
        /// Queue it: its entity has no cursor, or it is above the cursor (which now points at it).
        case queue
        /// A subscribe is in flight: hold it in the cursor at this slot.
        case hold(slot: Int)
        /// It is at or below what was queued already (a recovering subscribe replayed it): drop it.
        case skip
    }

    private var slots: [EntityID: Int] = [:]
    private var cursors: [Cursor] = []

    var isEmpty: Bool { cursors.isEmpty }

    /// Decides about a published message with this mark, moving the cursor when it is queued.
    mutating func admit(_ mark: HistoryMark) -> Admission {
        guard let slot = slot(of: mark.entityId) else { return .queue }
        if cursors[slot].held != nil { return .hold(slot: slot) }
        // What the common case needs is read before the cursor changes: a copy of the position kept
        // across that change would retain the epoch's storage, an atomic operation per delivery.
        let offset = mark.position.offset
        if mark.position.epoch == cursors[slot].epoch {
            if offset <= cursors[slot].latest { return .skip }
            cursors[slot].latest = offset
        } else {
            cursors[slot].latest = offset
            cursors[slot].epoch = mark.position.epoch
        }
        return .queue
    }

    /// The cursor's slot. A session holds few: up to eight are compared byte for byte, which is
    /// cheaper than hashing the id on every delivery.
    private func slot(of entity: EntityID) -> Int? {
        guard cursors.count > 8 else { return cursors.firstIndex { $0.entity == entity } }
        return slots[entity]
    }

    mutating func hold(_ message: OutboundMessage, slot: Int) {
        cursors[slot].held?.append(message)
    }

    /// Starts holding `entity`'s published messages; its position, if any, stays.
    mutating func startHolding(_ entity: EntityID) {
        if let slot = slots[entity] {
            if cursors[slot].held == nil { cursors[slot].held = [] }
        } else {
            insert(Cursor(entity: entity, epoch: "", latest: 0, held: []))
        }
    }

    /// Stops holding: returns what was held, and sets the position when one is given. Without one,
    /// a cursor that never had a position is removed.
    mutating func stopHolding(_ entity: EntityID, at position: HistoryPosition?) -> [OutboundMessage] {
        guard let slot = slots[entity] else {
            if let position { insert(Cursor(entity: entity, epoch: position.epoch, latest: position.offset)) }
            return []
        }
        let held = cursors[slot].held ?? []
        cursors[slot].held = nil
        if let position {
            cursors[slot].epoch = position.epoch
            cursors[slot].latest = position.offset
        } else if cursors[slot].epoch.isEmpty {
            remove(entity)
        }
        return held
    }

    /// Forgets `entity`; returns what it held.
    @discardableResult
    mutating func remove(_ entity: EntityID) -> [OutboundMessage] {
        guard let slot = slots.removeValue(forKey: entity) else { return [] }
        let removed = cursors[slot]
        let last = cursors.count - 1
        if slot != last {
            cursors[slot] = cursors[last]
            slots[cursors[slot].entity] = slot
        }
        cursors.removeLast()
        return removed.held ?? []
    }

    mutating func removeAll() {
        slots = [:]
        cursors = []
    }

    private mutating func insert(_ cursor: Cursor) {
        slots[cursor.entity] = cursors.count
        cursors.append(cursor)
    }
}
