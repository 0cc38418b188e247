/// The in-memory subscription index: (connection, entity) pairs indexed both ways, compactly.
///
/// ## Layout, and why
/// Connection and entity identifiers are strings of up to 1 KiB; storing them once per subscription
/// would cost far more than the pair itself. Each identifier is therefore *interned*: stored once, in
/// a slot of a dense table, and referred to everywhere else by its 32-bit slot number. A slot is
/// released (its number goes on a free list for reuse) as soon as its last subscription goes, so the
/// tables never grow with churn, only with the peak number of live identifiers.
///
/// Every subscription is two ``Link``s of 8 bytes: one in its connection's slot (the entity's number,
/// and where the back link sits in that entity's slot) and one in its entity's slot (the connection's
/// number, and where the forward link sits in that connection's slot). Each link knows where its twin
/// is, so removing a subscription is a swap-remove in both arrays plus one position fix-up per moved
/// link: O(1), with no hashing and no per-subscription allocation.
///
/// Whether a pair exists is answered by a linear scan of the connection's links. That list is bounded
/// by the per-connection subscription limit (128 by default), so the scan reads at most 1 KiB of
/// contiguous memory; a per-connection hash set would cost ten times the memory to save nanoseconds.
///
/// A value type with mutating methods that return results; ``InMemorySubscriptionStore`` puts one
/// behind a lock.
package struct SubscriptionIndex: Sendable {
    /// One end of a subscription: the slot number on the other side, and the position of the twin
    /// link inside that slot's link array.
    struct Link: Hashable, Sendable {
        var slot: UInt32
        var twin: UInt32
    }

    /// A connection's interned identifier and its links to entities; `id` is `nil` while the slot is free.
    struct ConnectionSlot: Sendable {
        var id: ConnectionID?
        var links: [Link] = []
    }

    /// An entity's interned identifier and its links to connections; `id` is `nil` while the slot is free.
    struct EntitySlot: Sendable {
        var id: EntityID?
        var links: [Link] = []
    }

    /// The counts the tests use to prove that identifiers are interned and released.
    package struct Statistics: Hashable, Sendable {
        /// Connections holding at least one subscription.
        package var liveConnections: Int
        /// Entities with at least one subscriber.
        package var liveEntities: Int
        /// Connection slots allocated, live or free: the peak of `liveConnections`.
        package var connectionSlots: Int
        /// Entity slots allocated, live or free: the peak of `liveEntities`.
        package var entitySlots: Int
    }

    /// An entity's link array is copied into a smaller one once it is this large and at most a
    /// quarter full, so that a once-popular entity does not keep its peak capacity forever.
    private static let shrinkThreshold = 64

    private var connectionNumbers = ConnectionNumberTable()
    private var entityNumbers: [EntityID: UInt32] = [:]
    private var connections: [ConnectionSlot] = []
    private var entities: [EntitySlot] = []
    private var freeConnectionSlots: [UInt32] = []
    private var freeEntitySlots: [UInt32] = []

    /// The number of (connection, entity) pairs.
    private(set) var count = 0

    init() {}

    var statistics: Statistics {
        Statistics(
            liveConnections: connectionNumbers.count,
            liveEntities: entityNumbers.count,
            connectionSlots: connections.count,
            entitySlots: entities.count
        )
    }

    /// Adds the pair unless it exists or the connection already holds `limit` other pairs.
    ///
    /// - Complexity: O(*s*), *s* the connection's subscription count (at most `limit`), plus hashing
    ///   each identifier once.
    mutating func subscribe(_ connection: ConnectionID, to entity: EntityID, limit: Int) -> SubscribeOutcome {
        let connectionNumber = connectionNumbers[connection]
        let entityNumber = entityNumbers[entity]
        var held = 0
        if let connectionNumber {
            let links = connections[Int(connectionNumber)].links
            if let entityNumber, links.contains(where: { $0.slot == entityNumber }) {
                return .alreadySubscribed
            }
            held = links.count
        }
        if held >= limit { return .limitReached(limit: limit) }

        let c = connectionNumber ?? internConnection(connection)
        let e = entityNumber ?? internEntity(entity)
        let forwardPosition = Self.slotNumber(connections[Int(c)].links.count)
        let backPosition = Self.slotNumber(entities[Int(e)].links.count)
        connections[Int(c)].links.append(Link(slot: e, twin: backPosition))
        entities[Int(e)].links.append(Link(slot: c, twin: forwardPosition))
        count += 1
        return .subscribed
    }

    /// Removes the pair; `true` if it existed.
    ///
    /// - Complexity: O(*s*), *s* the connection's subscription count, to find the pair; O(1) to remove it.
    mutating func unsubscribe(_ connection: ConnectionID, from entity: EntityID) -> Bool {
        guard let c = connectionNumbers[connection], let e = entityNumbers[entity] else { return false }
        guard let position = connections[Int(c)].links.firstIndex(where: { $0.slot == e }) else { return false }
        removeLink(connection: c, at: position)
        return true
    }

    /// Removes every pair of `connection`; returns how many.
    ///
    /// - Complexity: O(*s*), *s* the connection's subscription count.
    mutating func removeAll(for connection: ConnectionID) -> Int {
        guard let c = connectionNumbers[connection] else { return 0 }
        let removed = connections[Int(c)].links.count
        // Removing the last link each time means the connection side never needs a swap; the last
        // removal releases the slot.
        for position in stride(from: removed - 1, through: 0, by: -1) {
            removeLink(connection: c, at: position)
        }
        return removed
    }

    /// The connections subscribed to `entity`, each once, in one exactly sized allocation.
    ///
    /// - Complexity: O(*n*), *n* the entity's subscriber count, whatever the total.
    func subscribers(of entity: EntityID) -> [ConnectionID] {
        guard let e = entityNumbers[entity] else { return [] }
        let links = entities[Int(e)].links
        var result: [ConnectionID] = []
        result.reserveCapacity(links.count)
        for link in links {
            if let id = connections[Int(link.slot)].id { result.append(id) }
        }
        return result
    }

    /// The number of connections subscribed to `entity`.
    ///
    /// - Complexity: O(1).
    func subscriberCount(of entity: EntityID) -> Int {
        guard let e = entityNumbers[entity] else { return 0 }
        return entities[Int(e)].links.count
    }

    /// The entities `connection` is subscribed to, each once.
    ///
    /// - Complexity: O(*s*), *s* the connection's subscription count.
    func subscriptions(of connection: ConnectionID) -> [EntityID] {
        guard let c = connectionNumbers[connection] else { return [] }
        let links = connections[Int(c)].links
        var result: [EntityID] = []
        result.reserveCapacity(links.count)
        for link in links {
            if let id = entities[Int(link.slot)].id { result.append(id) }
        }
        return result
    }

    /// Checks that both directions mirror each other and the tables agree with the counts.
    ///
    /// For tests: O(total size).
    func invariantViolations() -> [String] {
        var problems: [String] = []
        var linkTotal = 0
        let connectionLinks = connections.map(\.links)
        let entityLinks = entities.map(\.links)
        for (number, slot) in connections.enumerated() {
            guard let id = slot.id else {
                if !slot.links.isEmpty { problems.append("free connection slot \(number) has links") }
                continue
            }
            if connectionNumbers[id] != UInt32(number) { problems.append("connection \(id) not mapped to \(number)") }
            if slot.links.isEmpty { problems.append("live connection slot \(number) has no links") }
            linkTotal += slot.links.count
            for (position, link) in slot.links.enumerated() {
                let twin = twinLink(of: link, in: entityLinks)
                if twin?.slot != UInt32(number) || twin?.twin != UInt32(position) {
                    problems.append("connection \(id) link \(position) has no matching entity link")
                }
            }
        }
        for (number, slot) in entities.enumerated() {
            guard let id = slot.id else {
                if !slot.links.isEmpty { problems.append("free entity slot \(number) has links") }
                continue
            }
            if entityNumbers[id] != UInt32(number) { problems.append("entity \(id) not mapped to \(number)") }
            if slot.links.isEmpty { problems.append("live entity slot \(number) has no links") }
            for (position, link) in slot.links.enumerated() {
                let twin = twinLink(of: link, in: connectionLinks)
                if twin?.slot != UInt32(number) || twin?.twin != UInt32(position) {
                    problems.append("entity \(id) link \(position) has no matching connection link")
                }
            }
        }
        if linkTotal != count { problems.append("count is \(count) but connections hold \(linkTotal) links") }
        if connectionNumbers.count + freeConnectionSlots.count != connections.count {
            problems.append("connection slots: \(connectionNumbers.count) live + \(freeConnectionSlots.count) free")
        }
        if entityNumbers.count + freeEntitySlots.count != entities.count {
            problems.append("entity slots: \(entityNumbers.count) live + \(freeEntitySlots.count) free")
        }
        return problems
    }

    /// The link `link` points at, or `nil` if it points outside the tables.
    private func twinLink(of link: Link, in tables: [[Link]]) -> Link? {
        guard tables.indices.contains(Int(link.slot)) else { return nil }
        let links = tables[Int(link.slot)]
        guard links.indices.contains(Int(link.twin)) else { return nil }
        return links[Int(link.twin)]
    }

    // MARK: - Removal

    /// Removes the subscription whose forward link is `connections[c].links[position]`.
    private mutating func removeLink(connection c: UInt32, at position: Int) {
        let link = connections[Int(c)].links[position]
        let e = link.slot

        // Entity side: move the last link into the hole and repoint its twin.
        let hole = Int(link.twin)
        let lastBack = entities[Int(e)].links.count - 1
        if hole != lastBack {
            let moved = entities[Int(e)].links[lastBack]
            entities[Int(e)].links[hole] = moved
            connections[Int(moved.slot)].links[Int(moved.twin)].twin = UInt32(truncatingIfNeeded: hole)
        }
        entities[Int(e)].links.removeLast()

        // Connection side: the same.
        let lastForward = connections[Int(c)].links.count - 1
        if position != lastForward {
            let moved = connections[Int(c)].links[lastForward]
            connections[Int(c)].links[position] = moved
            entities[Int(moved.slot)].links[Int(moved.twin)].twin = UInt32(truncatingIfNeeded: position)
        }
        connections[Int(c)].links.removeLast()
        count -= 1

        if entities[Int(e)].links.isEmpty {
            releaseEntity(e)
        } else {
            shrinkEntityLinksIfSparse(e)
        }
        if connections[Int(c)].links.isEmpty { releaseConnection(c) }
    }

    private mutating func shrinkEntityLinksIfSparse(_ e: UInt32) {
        let links = entities[Int(e)].links
        guard links.capacity >= Self.shrinkThreshold, links.count <= links.capacity / 4 else { return }
        var smaller: [Link] = []
        smaller.reserveCapacity(links.count * 2)
        smaller.append(contentsOf: links)
        entities[Int(e)].links = smaller
    }

    // MARK: - Interning

    private mutating func internConnection(_ id: ConnectionID) -> UInt32 {
        let number: UInt32
        if let free = freeConnectionSlots.popLast() {
            number = free
            connections[Int(number)] = ConnectionSlot(id: id)
        } else {
            number = Self.slotNumber(connections.count)
            connections.append(ConnectionSlot(id: id))
        }
        connectionNumbers[id] = number
        return number
    }

    private mutating func internEntity(_ id: EntityID) -> UInt32 {
        let number: UInt32
        if let free = freeEntitySlots.popLast() {
            number = free
            entities[Int(number)] = EntitySlot(id: id)
        } else {
            number = Self.slotNumber(entities.count)
            entities.append(EntitySlot(id: id))
        }
        entityNumbers[id] = number
        return number
    }

    private mutating func releaseConnection(_ number: UInt32) {
        if let id = connections[Int(number)].id { connectionNumbers[id] = nil }
        // Assigning a fresh slot frees the identifier's string and the link array's buffer now.
        connections[Int(number)] = ConnectionSlot(id: nil)
        freeConnectionSlots.append(number)
    }

    private mutating func releaseEntity(_ number: UInt32) {
        if let id = entities[Int(number)].id { entityNumbers[id] = nil }
        entities[Int(number)] = EntitySlot(id: nil)
        freeEntitySlots.append(number)
    }

    /// A table position as a slot number. Four billion live identifiers would take hundreds of
    /// gigabytes before this could trap, so reaching it means memory is already exhausted.
    private static func slotNumber(_ position: Int) -> UInt32 {
        guard let number = UInt32(exactly: position) else {
            fatalError("SubscriptionIndex: more than \(UInt32.max) live identifiers")
        }
        return number
    }
}
