import Testing
import WebSocketPubSub
import WebSocketPubSubTesting

@Suite("In-memory history: the caps over all entities")
struct InMemoryHistoryStoreTests {
    let game = try! EntityID(validating: "game")

    @Test func pastTheByteCapTheOldestMessagesOfAllEntitiesGoFirst() throws {
        let store = InMemoryHistoryStore(limits: HistoryLimits(maxMessagesPerEntity: 100, maxRetainedBytes: 30))
        let other = try EntityID(validating: "other")
        let first = store.append(Array(repeating: 0x31, count: 10), to: game)
        _ = store.append(Array(repeating: 0x32, count: 10), to: other)
        _ = store.append(Array(repeating: 0x33, count: 10), to: game)
        #expect(store.retainedBytes == 30)
        _ = store.append(Array(repeating: 0x34, count: 10), to: other)

        #expect(store.retainedBytes == 30)
        #expect(store.retainedMessageCount == 3)
        // game's first message went; its second is still there, and offsets go on.
        #expect(store.read(game, since: HistoryPosition(offset: 0, epoch: first.epoch)).recovered == false)
        let kept = store.read(game, since: HistoryPosition(offset: 1, epoch: first.epoch))
        #expect(kept.recovered == true)
        #expect(kept.entries.map(\.offset) == [2])
    }

    @Test func pastTheEntityCapTheLeastRecentlyUsedEntityIsForgottenAndStartsANewEpoch() throws {
        let store = InMemoryHistoryStore(limits: HistoryLimits(maxMessagesPerEntity: 10, maxEntities: 2))
        let a = try EntityID(validating: "a")
        let b = try EntityID(validating: "b")
        let c = try EntityID(validating: "c")
        let aBefore = store.append(Array("1".utf8), to: a)
        _ = store.append(Array("1".utf8), to: b)
        _ = store.read(b, since: nil)
        _ = store.append(Array("1".utf8), to: c)

        #expect(store.trackedEntityCount == 2)
        let aAfter = store.read(a, since: aBefore)
        #expect(aAfter.recovered == false)
        #expect(aAfter.position.offset == 0)
        #expect(aAfter.position.epoch != aBefore.epoch)
    }

    @Test func trimmedReferencesDoNotPileUp() {
        let store = InMemoryHistoryStore(limits: HistoryLimits(maxMessagesPerEntity: 2))
        for index in 0..<10_000 { _ = store.append(Array("\(index)".utf8), to: game) }
        #expect(store.retainedMessageCount == 2)
        #expect(store.read(game, since: nil).position.offset == 10_000)
    }

    @Test func expiredMessagesAreSweptAsTheClockPasses() {
        let clock = ManualClock()
        let store = InMemoryHistoryStore(
            limits: HistoryLimits(maxMessagesPerEntity: 10, timeToLive: .seconds(5)), clock: clock)
        _ = store.append(Array("1".utf8), to: game)
        clock.advance(by: .seconds(3))
        let second = store.append(Array("2".utf8), to: game)
        clock.advance(by: .seconds(3))

        #expect(store.removeExpired() == 1)
        #expect(store.retainedMessageCount == 1)
        #expect(store.read(game, since: HistoryPosition(offset: 1, epoch: second.epoch)).entries.map(\.offset) == [2])
        clock.advance(by: .seconds(3))
        #expect(store.read(game, since: HistoryPosition(offset: 1, epoch: second.epoch)).recovered == false)
        #expect(store.retainedMessageCount == 0)
    }
}
