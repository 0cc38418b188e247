/// Connection ids mapped to the index's 32-bit slot numbers.
///
/// Ids in the generated form (128 bits, inline in ``ConnectionID``) go to an open-addressing table
/// whose entries hold the 128 bits and the slot number side by side: a lookup reads one entry, one
/// cache line, where a `Dictionary` reads its bitmap, its key array and its value array, three lines
/// apart. On a 1M-subscription store every subscribe and unsubscribe starts with this lookup on a
/// cold table, so each line saved is a cache miss saved. Any other text goes to a `Dictionary`,
/// which compares the UTF-8 bytes, so equality stays byte equality either way.
///
/// The table probes linearly from a hash of the bits mixed with a seed drawn per table, so a host
/// that supplies generated-form ids of its own choosing cannot aim them at one chain. It stays at
/// most half full (short probe runs), and shrinks when an eighth full, so that its memory follows
/// the live connections, not their peak. Removal shifts the following entries back (no tombstones).
package struct ConnectionNumberTable: Sendable {
    /// One table entry: the id's 128 bits and its slot number plus one (0: the entry is empty).
    private struct Entry: Sendable {
        var high: UInt64
        var low: UInt64
        var valuePlusOne: UInt32
    }

    private static let minimumCapacity = 16

    private var entries: [Entry]
    private var mask: Int
    private var generatedCount = 0
    private let seed: UInt64
    private var texts: [ConnectionID: UInt32] = [:]

    package init() {
        entries = Array(repeating: Entry(high: 0, low: 0, valuePlusOne: 0), count: Self.minimumCapacity)
        mask = Self.minimumCapacity - 1
        var generator = SystemRandomNumberGenerator()
        seed = generator.next()
    }

    /// The number of ids mapped.
    package var count: Int { generatedCount + texts.count }

    /// The slot number of `id`, or `nil`; assigning `nil` removes it.
    package subscript(id: ConnectionID) -> UInt32? {
        get {
            guard let (high, low) = id.generatedBits else { return texts[id] }
            return find(high: high, low: low).map { entries[$0].valuePlusOne &- 1 }
        }
        set {
            guard let (high, low) = id.generatedBits else {
                texts[id] = newValue
                return
            }
            if let newValue {
                insert(high: high, low: low, value: newValue)
            } else {
                remove(high: high, low: low)
            }
        }
    }

    // MARK: - The open-addressing table

    @inline(__always)
    private func home(high: UInt64, low: UInt64) -> Int {
        // A multiply-fold mix: every input bit reaches the low bits used as the index.
        let product = (high ^ seed).multipliedFullWidth(by: low ^ 0x9E37_79B9_7F4A_7C15)
        return Int(truncatingIfNeeded: product.high ^ product.low) & mask
    }

    /// The position of the entry for these bits, or `nil`.
    private func find(high: UInt64, low: UInt64) -> Int? {
        var position = home(high: high, low: low)
        while true {
            let entry = entries[position]
            if entry.valuePlusOne == 0 { return nil }
            if entry.high == high && entry.low == low { return position }
            position = (position &+ 1) & mask
        }
    }

    private mutating func insert(high: UInt64, low: UInt64, value: UInt32) {
        if let position = find(high: high, low: low) {
            entries[position].valuePlusOne = value &+ 1
            return
        }
        if (generatedCount + 1) * 2 > entries.count { resize(to: entries.count * 2) }
        place(Entry(high: high, low: low, valuePlusOne: value &+ 1))
        generatedCount += 1
    }

    /// Puts an entry known to be absent in the first empty position of its run.
    private mutating func place(_ entry: Entry) {
        var position = home(high: entry.high, low: entry.low)
        while entries[position].valuePlusOne != 0 { position = (position &+ 1) & mask }
        entries[position] = entry
    }

    private mutating func remove(high: UInt64, low: UInt64) {
        guard var hole = find(high: high, low: low) else { return }
        // Backward shift: move each later entry of the run into the hole when its home does not lie
        // cyclically in (hole, position], so that every entry stays reachable from its home.
        var position = hole
        while true {
            position = (position &+ 1) & mask
            let entry = entries[position]
            if entry.valuePlusOne == 0 { break }
            let entryHome = home(high: entry.high, low: entry.low)
            let homeToPosition = (position &- entryHome) & mask
            let holeToPosition = (position &- hole) & mask
            if homeToPosition >= holeToPosition {
                entries[hole] = entry
                hole = position
            }
        }
        entries[hole].valuePlusOne = 0
        generatedCount -= 1
        if entries.count > Self.minimumCapacity && generatedCount * 8 < entries.count {
            resize(to: entries.count / 2)
        }
    }

    private mutating func resize(to capacity: Int) {
        let old = entries
        entries = Array(repeating: Entry(high: 0, low: 0, valuePlusOne: 0), count: capacity)
        mask = capacity - 1
        for entry in old where entry.valuePlusOne != 0 { place(entry) }
    }
}
