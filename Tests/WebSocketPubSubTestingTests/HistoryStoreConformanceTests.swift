import Testing
import WebSocketPubSub
import WebSocketPubSubTesting

/// History stores that break one rule each, so that the kit is seen to catch it.
enum BrokenHistoryStore {
    /// One counter for every entity, as a table-wide sequence would give.
    final class SharedSequence: HistoryStore {
        let limits: HistoryLimits
        private let base: InMemoryHistoryStore
        private let counter = StoreLock(0)

        init(limits: HistoryLimits) {
            self.limits = limits
            base = InMemoryHistoryStore(limits: limits)
        }

        func append(_ message: [UInt8], to entity: EntityID) -> HistoryPosition {
            var position = base.append(message, to: entity)
            position.offset = counter.withLock { count in
                count += 1
                return count
            }
            return position
        }

        func read(_ entity: EntityID, since: HistoryPosition?) -> HistoryRead { base.read(entity, since: since) }
        func removeExpired() -> Int { base.removeExpired() }
    }

    /// The same epoch from every store, as a constant epoch column would give.
    struct ConstantEpoch: HistoryStore {
        let base: InMemoryHistoryStore
        var limits: HistoryLimits { base.limits }

        func append(_ message: [UInt8], to entity: EntityID) -> HistoryPosition {
            HistoryPosition(offset: base.append(message, to: entity).offset, epoch: "fixed")
        }

        func read(_ entity: EntityID, since: HistoryPosition?) -> HistoryRead {
            var translated = since
            if translated?.epoch == "fixed" { translated?.epoch = base.read(entity, since: nil).position.epoch }
            var read = base.read(entity, since: translated)
            read.position.epoch = "fixed"
            return read
        }

        func removeExpired() -> Int { base.removeExpired() }
    }
}

@Suite("History store conformance suite", .timeLimit(.minutes(1)))
struct HistoryStoreConformanceTests {
    @Test func theInMemoryStorePassesEveryCheck() async throws {
        try await HistoryStoreConformance { limits in InMemoryHistoryStore(limits: limits) }.validate()
    }

    @Test func aSequenceSharedByAllEntitiesFailsTheNumberingChecks() async {
        let failures = await HistoryStoreConformance { limits in BrokenHistoryStore.SharedSequence(limits: limits) }
            .run(only: ["HistoryStore.entitiesAreNumberedApart", "HistoryStore.offsetsStartAtOneAndGrowByOne"])
        #expect(failures.map(\.check) == ["HistoryStore.entitiesAreNumberedApart"])
    }

    @Test func anEpochThatNeverChangesFailsTheRestartCheck() async {
        let failures = await HistoryStoreConformance { limits in
            BrokenHistoryStore.ConstantEpoch(base: InMemoryHistoryStore(limits: limits))
        }.run(only: ["HistoryStore.newStoreStartsNewEpoch", "HistoryStore.trimsToMaxMessagesPerEntity"])
        #expect(failures.map(\.check) == ["HistoryStore.newStoreStartsNewEpoch"])
    }

    @Test func checkNamesAreUniqueAndPrefixed() {
        let names = HistoryStoreConformance.checkNames
        #expect(Set(names).count == names.count)
        #expect(names.allSatisfy { $0.hasPrefix("HistoryStore.") })
    }
}
