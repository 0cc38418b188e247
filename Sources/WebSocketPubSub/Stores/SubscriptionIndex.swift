/// The in-memory subscription index: (connection, entity) pairs indexed both ways, compactly.
///
/// ## Layout, and why
/// Connection and entity identifiers are strings of up to 1 KiB; storing them once per subscription
/// would cost far more than the pair itself. Each identifier is therefore *interned*: stored once, in
/// a slot of a dense table, and referred to everywhere else by its 32-bit slot number. A slot is
/// released (its number goes on a free list for reuse) as soon as its last subscription goes, so the
/// tables never grow with churn, only with the peak number of live identifiers.
///
/// Every subscription takes 12 bytes: a ``Link`` of 8 in its connection's slot (the entity's number,
/// and the *member position* of the connection in that entity's member array) and a member of 4 in
/// its entity's slot (the connection's number). A member never moves while it lives: a leaving
/// member becomes a *hole*, threaded onto the entity's list of holes, and the next subscriber takes
/// the hole. So removing a subscription touches only its own connection's links and one member
/// word, and no other connection's memory. On a large store each of those is a cache miss, and the
/// older layout (twins on both sides, swap-remove in both arrays) paid two or three more per
/// removal to repoint the links that the swaps moved. The connection's own links are swap-removed:
/// nothing points at a position in them.
///
/// Holes cost fan-out a test per member, so an entity whose members are mostly holes is compacted:
/// once fewer than half of at least ``compactionThreshold`` member positions are live, the live
/// members move to the front and each moved connection's link is repointed. A compaction moves at
/// most as many members as removals made holes since the previous one, so its cost is O(1) per
/// removal, amortized.
///
/// Whether a pair exists is answered by a linear scan of the connection's links. That list is bounded
/// by the per-connection subscription limit (128 by default), so the scan reads at most 1 KiB of
/// contiguous memory; a per-connection hash set would cost ten times the memory to save nanoseconds.
///
/// A value type with mutating methods that return results; ``InMemorySubscriptionStore`` puts one
/// behind a lock.
package struct SubscriptionIndex: Sendable {
    /// A connection's end of a subscription: the entity's slot number, and where the connection sits
    /// in that entity's member array.
    struct Link: Hashable, Sendable {
        var entity: UInt32
        var position: UInt32
    }

    /// A connection's interned identifier and its links to entities; `id` is `nil` while the slot is free.
    struct ConnectionSlot: Sendable {
        var id: ConnectionID?
        var links: [Link] = []
    }

    /// An entity's interned identifier and its members; `id` is `nil` while the slot is free.
    ///
    /// A member is a connection's slot number, or a hole: ``holeFlag`` set and, below it, the
    /// position of the next hole plus one (0 ends the list).
    struct EntitySlot: Sendable {
        var id: EntityID?
        var members: [UInt32] = []
        /// Members that are not holes.
        var live = 0
        /// The first hole's position plus one; 0 when there is none.
        var firstHole: UInt32 = 0
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
        /// Member positions of all entities, holes included.
        package var memberPositions: Int
    }

    /// Marks a member that is a hole. Slot numbers stay below it: see ``slotNumber(_:)``.
    private static let holeFlag: UInt32 = 1 << 31

    /// Entities with fewer member positions than this are never compacted: their holes cost a few
    /// bytes, and a compaction would cost more than the tests it saves.
    static let compactionThreshold = 16

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
            entitySlots: entities.count,
            memberPositions: entities.reduce(0) { $0 + $1.members.count }
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
            if let entityNumber, links.contains(where: { $0.entity == entityNumber }) {
                return .alreadySubscribed
            }
            held = links.count
        }
        if held >= limit { return .limitReached(limit: limit) }

        let c = connectionNumber ?? internConnection(connection)
        let e = entityNumber ?? internEntity(entity)
        let position = addMember(c, to: e)
        connections[Int(c)].links.append(Link(entity: e, position: position))
        count += 1
        return .subscribed
    }

    /// Removes the pair; `true` if it existed.
    ///
    /// - Complexity: O(*s*), *s* the connection's subscription count, to find the pair; O(1) to
    ///   remove it, amortized over compactions.
    mutating func unsubscribe(_ connection: ConnectionID, from entity: EntityID) -> Bool {
        guard let c = connectionNumbers[connection], let e = entityNumbers[entity] else { return false }
        guard let index = connections[Int(c)].links.firstIndex(where: { $0.entity == e }) else { return false }
        let link = connections[Int(c)].links[index]
        // Nothing points at a position in a connection's links, so the last one fills the gap.
        connections[Int(c)].links[index] = connections[Int(c)].links[connections[Int(c)].links.count - 1]
        connections[Int(c)].links.removeLast()
        count -= 1
        removeMember(at: link.position, of: link.entity)
        if connections[Int(c)].links.isEmpty { releaseConnection(c) }
        return true
    }

    /// Removes every pair of `connection`; returns how many.
    ///
    /// - Complexity: O(*s*), *s* the connection's subscription count.
    mutating func removeAll(for connection: ConnectionID) -> Int {
        guard let c = connectionNumbers[connection] else { return 0 }
        let links = connections[Int(c)].links
        // The links leave first: a compaction that the removals start finds none of them to repoint.
        connections[Int(c)].links = []
        for link in links { removeMember(at: link.position, of: link.entity) }
        count -= links.count
        releaseConnection(c)
        return links.count
    }

    /// The connections subscribed to `entity`, each once, in one exactly sized allocation.
    ///
    /// - Complexity: O(*m*), *m* the entity's member positions (fewer than twice its subscribers
    ///   once it has ``compactionThreshold`` of them), whatever the total.
    func subscribers(of entity: EntityID) -> [ConnectionID] {
        guard let e = entityNumbers[entity] else { return [] }
        let slot = entities[Int(e)]
        var result: [ConnectionID] = []
        result.reserveCapacity(slot.live)
        for member in slot.members where member & Self.holeFlag == 0 {
            if let id = connections[Int(member)].id { result.append(id) }
        }
        return result
    }

    /// The number of connections subscribed to `entity`.
    ///
    /// - Complexity: O(1).
    func subscriberCount(of entity: EntityID) -> Int {
        guard let e = entityNumbers[entity] else { return 0 }
        return entities[Int(e)].live
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
            if let id = entities[Int(link.entity)].id { result.append(id) }
        }
        return result
    }

    /// Checks that both directions mirror each other and the tables agree with the counts.
    ///
    /// For tests: O(total size).
    func invariantViolations() -> [String] {
        var problems: [String] = []
        var linkTotal = 0
        for (number, slot) in connections.enumerated() {
            guard let id = slot.id else {
                if !slot.links.isEmpty { problems.append("free connection slot \(number) has links") }
                continue
            }
            if connectionNumbers[id] != UInt32(number) { problems.append("connection \(id) not mapped to \(number)") }
            if slot.links.isEmpty { problems.append("live connection slot \(number) has no links") }
            linkTotal += slot.links.count
            for link in slot.links {
                let members = entities.indices.contains(Int(link.entity)) ? entities[Int(link.entity)].members : []
                if !members.indices.contains(Int(link.position)) || members[Int(link.position)] != UInt32(number) {
                    problems.append("connection \(id) link to entity \(link.entity) has no matching member")
                }
            }
        }
        var memberTotal = 0
        for (number, slot) in entities.enumerated() {
            guard let id = slot.id else {
                if !slot.members.isEmpty { problems.append("free entity slot \(number) has members") }
                continue
            }
            if entityNumbers[id] != UInt32(number) { problems.append("entity \(id) not mapped to \(number)") }
            if slot.live == 0 { problems.append("live entity slot \(number) has no members") }
            problems += memberViolations(of: slot, number: UInt32(number))
            memberTotal += slot.live
        }
        if linkTotal != count { problems.append("count is \(count) but connections hold \(linkTotal) links") }
        if memberTotal != count { problems.append("count is \(count) but entities hold \(memberTotal) members") }
        if connectionNumbers.count + freeConnectionSlots.count != connections.count {
            problems.append("connection slots: \(connectionNumbers.count) live + \(freeConnectionSlots.count) free")
        }
        if entityNumbers.count + freeEntitySlots.count != entities.count {
            problems.append("entity slots: \(entityNumbers.count) live + \(freeEntitySlots.count) free")
        }
        return problems
    }

    /// An entity's members against its counts, its list of holes and the connections' links.
    private func memberViolations(of slot: EntitySlot, number e: UInt32) -> [String] {
        var problems: [String] = []
        var holes = Set<Int>()
        var next = slot.firstHole
        while next != 0 {
            let position = Int(next - 1)
            guard slot.members.indices.contains(position), slot.members[position] & Self.holeFlag != 0,
                holes.insert(position).inserted
            else {
                problems.append("entity \(e): the list of holes is broken at \(position)")
                break
            }
            next = slot.members[position] & ~Self.holeFlag
        }
        var live = 0
        for (position, member) in slot.members.enumerated() {
            if member & Self.holeFlag != 0 {
                if !holes.contains(position) { problems.append("entity \(e): hole \(position) is not listed") }
                continue
            }
            live += 1
            let links = connections.indices.contains(Int(member)) ? connections[Int(member)].links : []
            if links.filter({ $0.entity == e && $0.position == UInt32(position) }).count != 1 {
                problems.append("entity \(e) member \(position) has no matching connection link")
            }
        }
        if live != slot.live { problems.append("entity \(e): \(live) members, counted \(slot.live)") }
        return problems
    }

    // MARK: - Members

    /// Puts connection `c` into entity `e`'s first hole, or at the end; returns its position.
    private mutating func addMember(_ c: UInt32, to e: UInt32) -> UInt32 {
        entities[Int(e)].live += 1
        let hole = entities[Int(e)].firstHole
        if hole != 0 {
            let position = Int(hole - 1)
            entities[Int(e)].firstHole = entities[Int(e)].members[position] & ~Self.holeFlag
            entities[Int(e)].members[position] = c
            return UInt32(truncatingIfNeeded: position)
        }
        let position = Self.slotNumber(entities[Int(e)].members.count)
        entities[Int(e)].members.append(c)
        return position
    }

    /// Makes the member at `position` of entity `e` a hole; releases or compacts the entity when
    /// that leaves it empty or sparse.
    private mutating func removeMember(at position: UInt32, of e: UInt32) {
        entities[Int(e)].live -= 1
        let live = entities[Int(e)].live
        if live == 0 {
            releaseEntity(e)
            return
        }
        if Int(position) == entities[Int(e)].members.count - 1 {
            // The last position needs no hole; trailing holes stay on the list until a compaction.
            entities[Int(e)].members.removeLast()
        } else {
            entities[Int(e)].members[Int(position)] = Self.holeFlag | entities[Int(e)].firstHole
            entities[Int(e)].firstHole = position &+ 1
        }
        let positions = entities[Int(e)].members.count
        if positions >= Self.compactionThreshold && live * 2 < positions { compact(e) }
    }

    /// Moves entity `e`'s live members to the front, in order, into an array of twice their number
    /// (so that a once-popular entity does not keep its peak capacity), and repoints each moved
    /// one's link.
    private mutating func compact(_ e: UInt32) {
        let old = entities[Int(e)].members
        var members: [UInt32] = []
        members.reserveCapacity(entities[Int(e)].live * 2)
        for (position, c) in old.enumerated() where c & Self.holeFlag == 0 {
            let moved = UInt32(truncatingIfNeeded: members.count)
            if moved != position, let index = connections[Int(c)].links.firstIndex(where: { $0.entity == e }) {
                connections[Int(c)].links[index].position = moved
            }
            members.append(c)
        }
        entities[Int(e)].members = members
        entities[Int(e)].firstHole = 0
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

    /// A table or member position as a 31-bit number (the 32nd bit marks a hole). Two billion live
    /// identifiers, or subscribers of one entity, would take tens of gigabytes before this could
    /// trap, so reaching it means memory is already exhausted.
    private static func slotNumber(_ position: Int) -> UInt32 {
        guard position < Int(holeFlag) else {
            fatalError("SubscriptionIndex: more than \(holeFlag - 1) live identifiers or members")
        }
        return UInt32(truncatingIfNeeded: position)
    }
}
