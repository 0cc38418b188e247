import Foundation
import Testing
import WebSocketPubSub

@Suite("InMemoryConnectionStore")
struct InMemoryConnectionStoreTests {
    private let epoch = Date(timeIntervalSince1970: 1_700_000_000)

    private func record(_ id: String, active offset: TimeInterval) -> Connection {
        Connection(id: ConnectionID(id), connectedAt: epoch, lastActiveAt: epoch.addingTimeInterval(offset))
    }

    @Test func insertReplacesAndRemoveReturnsTheRecord() {
        let store = InMemoryConnectionStore()
        store.insert(record("a", active: 0))
        var replacement = record("a", active: 5)
        replacement.attributes = ["userId": "u-1"]
        store.insert(replacement)
        #expect(store.count() == 1)
        #expect(store.connection(ConnectionID("a")) == replacement)
        #expect(store.remove(ConnectionID("a")) == replacement)
        #expect(store.remove(ConnectionID("a")) == nil)
        #expect(store.count() == 0)
    }

    @Test func touchUpdatesOnlyKnownConnections() {
        let store = InMemoryConnectionStore()
        store.insert(record("a", active: 0))
        store.touch(ConnectionID("a"), at: epoch.addingTimeInterval(30))
        store.touch(ConnectionID("ghost"), at: epoch)
        #expect(store.connection(ConnectionID("a"))?.lastActiveAt == epoch.addingTimeInterval(30))
        #expect(store.connection(ConnectionID("ghost")) == nil)
        #expect(store.count() == 1)
    }

    @Test(arguments: [(-1, 0), (0, 0), (1, 1), (3, 3), (10, 4)])
    func idleConnectionsAreStrictlyBeforeCutoffAndLimited(limit: Int, expectedCount: Int) {
        let store = InMemoryConnectionStore()
        for index in 0..<4 {
            store.insert(record("idle-\(index)", active: -60))
        }
        store.insert(record("at-cutoff", active: 0))
        store.insert(record("active", active: 60))
        let idle = store.idleConnections(lastActiveBefore: epoch, limit: limit)
        #expect(idle.count == expectedCount)
        #expect(Set(idle).isSubset(of: Set((0..<4).map { ConnectionID("idle-\($0)") })))
    }
}
