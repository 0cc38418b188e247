import Foundation
import WebSocketPubSub

/// The checks of ``ConnectionStoreConformance``, one per rule of the ``ConnectionStore`` contract.
enum ConnectionStoreChecks {
    typealias Check = ConformanceCheck<any ConnectionStore>
    private typealias F = ConformanceFixtures

    static let all: [Check] = [
        Check(name: "ConnectionStore.insertedRecordIsReturnedUnchanged", body: insertedRecordIsReturnedUnchanged),
        Check(name: "ConnectionStore.insertReplacesRecordWithSameID", body: insertReplacesRecordWithSameID),
        Check(name: "ConnectionStore.unknownIDHasNoRecord", body: unknownIDHasNoRecord),
        Check(name: "ConnectionStore.removeReturnsRecordAndDeletesIt", body: removeReturnsRecordAndDeletesIt),
        Check(name: "ConnectionStore.removeIsIdempotent", body: removeIsIdempotent),
        Check(name: "ConnectionStore.touchSetsLastActiveAtOnly", body: touchSetsLastActiveAtOnly),
        Check(name: "ConnectionStore.touchOfUnknownIDDoesNothing", body: touchOfUnknownIDDoesNothing),
        Check(name: "ConnectionStore.idleConnectionsUseStrictCutoff", body: idleConnectionsUseStrictCutoff),
        Check(name: "ConnectionStore.idleConnectionsHonourLimit", body: idleConnectionsHonourLimit),
        Check(name: "ConnectionStore.touchedConnectionIsNoLongerIdle", body: touchedConnectionIsNoLongerIdle),
        Check(name: "ConnectionStore.countTracksInsertsAndRemovals", body: countTracksInsertsAndRemovals),
        Check(name: "ConnectionStore.identifiersAreComparedExactly", body: identifiersAreComparedExactly),
        Check(name: "ConnectionStore.manyConnections", body: manyConnections),
        Check(name: "ConnectionStore.concurrentInsertsAndRemovesKeepCount", body: concurrentInsertsAndRemovesKeepCount),
    ]

    static func record(_ text: String, active offset: Int = 0) -> Connection {
        Connection(
            id: F.connection(text),
            remoteAddress: "203.0.113.7:50312",
            connectedAt: F.date(-3600),
            lastActiveAt: F.date(offset),
            subprotocol: "websocket",
            attributes: ["userId": "user-\(text)", "tenant": "acme"]
        )
    }

    static func insertedRecordIsReturnedUnchanged(
        _ r: ConformanceRecorder,
        _ store: any ConnectionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        let full = record("full", active: 5)
        let bare = Connection(id: F.connection("bare"), connectedAt: F.date(0))
        try await store.insert(full)
        try await store.insert(bare)
        r.expectEqual(try await store.connection(full.id), full, "connection(\"full\") after insert")
        r.expectEqual(
            try await store.connection(bare.id), bare, "connection(\"bare\") (no address, subprotocol or attributes)")
        r.expectEqual(try await store.count(), 2, "count() after two inserts")
    }

    static func insertReplacesRecordWithSameID(
        _ r: ConformanceRecorder,
        _ store: any ConnectionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        let first = record("same", active: 1)
        var second = Connection(id: first.id, connectedAt: F.date(10), lastActiveAt: F.date(20))
        second.attributes = ["userId": "someone-else"]
        try await store.insert(first)
        try await store.insert(second)
        r.expectEqual(try await store.connection(first.id), second, "connection after inserting the same id twice")
        r.expectEqual(try await store.count(), 1, "count() after inserting the same id twice")
    }

    static func unknownIDHasNoRecord(
        _ r: ConformanceRecorder,
        _ store: any ConnectionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        r.expectEqual(try await store.count(), 0, "count() of a new store")
        r.expectEqual(try await store.connection(F.connection("missing")), nil, "connection of an unknown id")
        try await store.insert(record("present"))
        r.expectEqual(try await store.connection(F.connection("missing")), nil, "connection of an unknown id")
    }

    static func removeReturnsRecordAndDeletesIt(
        _ r: ConformanceRecorder,
        _ store: any ConnectionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        let a = record("a", active: 1)
        let b = record("b", active: 2)
        try await store.insert(a)
        try await store.insert(b)
        r.expectEqual(try await store.remove(a.id), a, "remove(\"a\") must return the stored record")
        r.expectEqual(try await store.connection(a.id), nil, "connection(\"a\") after remove")
        r.expectEqual(try await store.connection(b.id), b, "connection(\"b\") after removing \"a\"")
        r.expectEqual(try await store.count(), 1, "count() after removing one of two")
    }

    static func removeIsIdempotent(
        _ r: ConformanceRecorder,
        _ store: any ConnectionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        let a = record("a")
        try await store.insert(a)
        r.expectEqual(try await store.remove(a.id), a, "first remove(\"a\")")
        r.expectEqual(try await store.remove(a.id), nil, "second remove(\"a\")")
        r.expectEqual(try await store.remove(F.connection("never")), nil, "remove of an id never inserted")
        r.expectEqual(try await store.count(), 0, "count() after removing everything")
    }

    static func touchSetsLastActiveAtOnly(
        _ r: ConformanceRecorder,
        _ store: any ConnectionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        let a = record("a", active: 0)
        let b = record("b", active: 0)
        try await store.insert(a)
        try await store.insert(b)
        try await store.touch(a.id, at: F.date(100))
        var expected = a
        expected.lastActiveAt = F.date(100)
        r.expectEqual(try await store.connection(a.id), expected, "connection(\"a\") after touch at +100 s")
        r.expectEqual(try await store.connection(b.id), b, "connection(\"b\") after touching \"a\"")
        try await store.touch(a.id, at: F.date(200))
        expected.lastActiveAt = F.date(200)
        r.expectEqual(try await store.connection(a.id), expected, "connection(\"a\") after a second touch at +200 s")
    }

    static func touchOfUnknownIDDoesNothing(
        _ r: ConformanceRecorder,
        _ store: any ConnectionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        try await store.touch(F.connection("ghost"), at: F.date(1))
        r.expectEqual(try await store.connection(F.connection("ghost")), nil, "connection after touching an unknown id")
        r.expectEqual(try await store.count(), 0, "count() after touching an unknown id")
        let gone = record("gone")
        try await store.insert(gone)
        try await store.remove(gone.id)
        try await store.touch(gone.id, at: F.date(2))
        r.expectEqual(try await store.connection(gone.id), nil, "touch must not bring a removed connection back")
        r.expectEqual(try await store.count(), 0, "count() after touching a removed id")
    }

    static func idleConnectionsUseStrictCutoff(
        _ r: ConformanceRecorder,
        _ store: any ConnectionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        try await store.insert(record("before", active: -10))
        try await store.insert(record("exactly", active: 0))
        try await store.insert(record("after", active: 10))
        r.expectSameElements(
            try await store.idleConnections(lastActiveBefore: F.date(0), limit: 10),
            [F.connection("before")],
            "idleConnections(lastActiveBefore: T, limit: 10) with records at T-10 s, T and T+10 s"
        )
        r.expectSameElements(
            try await store.idleConnections(lastActiveBefore: F.date(1), limit: 10),
            [F.connection("before"), F.connection("exactly")],
            "idleConnections(lastActiveBefore: T+1 s, limit: 10)"
        )
        r.expectSameElements(
            try await store.idleConnections(lastActiveBefore: F.date(-10), limit: 10),
            [],
            "idleConnections(lastActiveBefore: T-10 s, limit: 10)"
        )
    }

    static func idleConnectionsHonourLimit(
        _ r: ConformanceRecorder,
        _ store: any ConnectionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        let idle = (0..<10).map { F.connection("idle-\($0)") }
        for (offset, id) in idle.enumerated() {
            try await store.insert(record(id.rawValue, active: -100 + offset))
        }
        for index in 0..<5 {
            try await store.insert(record("active-\(index)", active: 50))
        }
        let cutoff = F.date(0)
        let three = try await store.idleConnections(lastActiveBefore: cutoff, limit: 3)
        r.expectEqual(three.count, 3, "idleConnections(limit: 3) with 10 idle: number of ids")
        r.expectEqual(ConformanceRecorder.duplicates(in: three), [], "idleConnections(limit: 3): ids listed twice")
        r.expect(
            Set(three).isSubset(of: Set(idle)),
            "idleConnections(limit: 3) listed connections that are not idle: \(ConformanceRecorder.show(three))"
        )
        r.expectSameElements(
            try await store.idleConnections(lastActiveBefore: cutoff, limit: 10),
            idle,
            "idleConnections(limit: 10) with exactly 10 idle"
        )
        r.expectSameElements(
            try await store.idleConnections(lastActiveBefore: cutoff, limit: 1000),
            idle,
            "idleConnections(limit: 1000) with 10 idle"
        )
        r.expectEqual(
            try await store.idleConnections(lastActiveBefore: cutoff, limit: 0),
            [],
            "idleConnections(limit: 0)"
        )
    }

    static func touchedConnectionIsNoLongerIdle(
        _ r: ConformanceRecorder,
        _ store: any ConnectionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        try await store.insert(record("revived", active: -100))
        try await store.insert(record("silent", active: -100))
        try await store.touch(F.connection("revived"), at: F.date(60))
        r.expectSameElements(
            try await store.idleConnections(lastActiveBefore: F.date(30), limit: 10),
            [F.connection("silent")],
            "idleConnections after touching \"revived\" past the cutoff"
        )
    }

    static func countTracksInsertsAndRemovals(
        _ r: ConformanceRecorder,
        _ store: any ConnectionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        var counts: [Int] = []
        try await store.insert(record("a"))
        counts.append(try await store.count())
        try await store.insert(record("b"))
        counts.append(try await store.count())
        try await store.insert(record("c"))
        counts.append(try await store.count())
        try await store.insert(record("b", active: 9))
        counts.append(try await store.count())
        try await store.remove(F.connection("a"))
        counts.append(try await store.count())
        try await store.remove(F.connection("a"))
        counts.append(try await store.count())
        r.expectEqual(
            counts,
            [1, 2, 3, 3, 2, 2],
            "count() after insert a, b, c, re-insert b, remove a, remove a again"
        )
    }

    static func identifiersAreComparedExactly(
        _ r: ConformanceRecorder,
        _ store: any ConnectionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        let texts = F.awkwardConnectionTexts
        for (offset, text) in texts.enumerated() {
            try await store.insert(record(text, active: offset))
        }
        r.expectEqual(try await store.count(), texts.count, "count() after inserting \(texts.count) distinct ids")
        for (offset, text) in texts.enumerated() {
            let stored = try await store.connection(F.connection(text))
            r.expectEqual(stored, record(text, active: offset), "connection(\(ConformanceRecorder.show(text)))")
            r.expect(
                stored.map { Array($0.id.rawValue.utf8) == Array(text.utf8) } ?? true,
                "connection(\(ConformanceRecorder.show(text))) returned an id with different bytes"
            )
        }
    }

    static func manyConnections(
        _ r: ConformanceRecorder,
        _ store: any ConnectionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        let ids = (0..<options.population).map { F.connection("many-\($0)") }
        for (offset, id) in ids.enumerated() {
            try await store.insert(record(id.rawValue, active: -offset - 1))
        }
        r.expectEqual(try await store.count(), ids.count, "count() after \(ids.count) inserts")
        var missing: [ConnectionID] = []
        for id in ids where try await store.connection(id)?.id != id {
            missing.append(id)
        }
        r.expectEqual(missing, [], "records not found after inserting \(ids.count)")
        let kept = ids.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        for (offset, id) in ids.enumerated() where offset % 2 == 0 {
            try await store.remove(id)
        }
        r.expectEqual(try await store.count(), kept.count, "count() after removing every other record")
        r.expectSameElements(
            try await store.idleConnections(lastActiveBefore: F.date(0), limit: ids.count),
            kept,
            "idleConnections after removing every other record"
        )
    }

    static func concurrentInsertsAndRemovesKeepCount(
        _ r: ConformanceRecorder,
        _ store: any ConnectionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        let perTask = 8
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<options.concurrency {
                group.addTask {
                    for index in 0..<perTask {
                        let id = "task-\(task)-\(index)"
                        try await store.insert(record(id))
                        if index % 2 == 0 {
                            try await store.touch(F.connection(id), at: F.date(index))
                            try await store.remove(F.connection(id))
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let expected = (0..<options.concurrency).flatMap { task in
            (0..<perTask).filter { $0 % 2 == 1 }.map { F.connection("task-\(task)-\($0)") }
        }
        r.expectEqual(try await store.count(), expected.count, "count() after concurrent inserts and removes")
        r.expectSameElements(
            try await store.idleConnections(lastActiveBefore: F.date(1), limit: expected.count * 2),
            expected,
            "connections left after concurrent inserts and removes"
        )
    }
}
