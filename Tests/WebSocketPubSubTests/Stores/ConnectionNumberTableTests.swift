import Testing
import WebSocketPubSub

@Suite("ConnectionNumberTable: the subscription index's id-to-slot map")
struct ConnectionNumberTableTests {
    /// A seeded generator, so that a failure repeats.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func agreesWithADictionaryThroughGrowthRemovalAndShrinking() {
        var generator = SplitMix64(state: 7)
        // Generated-form ids (kept inline) and host-supplied texts (kept as strings) side by side.
        let ids =
            (0..<3_000).map { _ in ConnectionID.random(using: &generator) }
            + (0..<200).map { ConnectionID("host-\($0)") }
        var table = ConnectionNumberTable()
        var model: [ConnectionID: UInt32] = [:]
        for step in 0..<60_000 {
            let id = ids[Int(generator.next() % UInt64(ids.count))]
            // Mostly inserts in the first third, mostly removals in the last: the table grows, then
            // shrinks back, and every removal shifts the entries after it.
            let insertPercent: UInt64 = step < 20_000 ? 80 : step < 40_000 ? 50 : 10
            if generator.next() % 100 < insertPercent {
                let value = UInt32(truncatingIfNeeded: generator.next() % 1_000_000)
                table[id] = value
                model[id] = value
            } else {
                table[id] = nil
                model[id] = nil
            }
            #expect(table.count == model.count)
            if step % 1_000 == 0 {
                for id in ids where table[id] != model[id] {
                    Issue.record(
                        "step \(step): \(id) maps to \(String(describing: table[id])), not \(String(describing: model[id]))"
                    )
                }
            }
        }
        for id in ids { #expect(table[id] == model[id]) }
    }

    @Test func aGeneratedFormTextAndTheSameIdAreOneKey() {
        let id = ConnectionID.random()
        var table = ConnectionNumberTable()
        table[id] = 5
        #expect(table[ConnectionID(id.rawValue)] == 5)
        table[ConnectionID(id.rawValue)] = nil
        #expect(table[id] == nil)
        #expect(table.count == 0)
    }
}
