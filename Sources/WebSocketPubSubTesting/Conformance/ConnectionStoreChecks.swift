import Foundation
import WebSocketPubSub

/// The checks of ``ConnectionStoreConformance``, one per rule of the ``ConnectionStore`` contract.
enum ConnectionStoreChecks {
    typealias Check = ConformanceCheck<any ConnectionStore>
    private typealias F = ConformanceFixtures

    static let all: [Check] = [
        Check(
            name: "ConnectionStore.insertedRecordIsReturnedUnchanged",
            cause:
                "a field does not round-trip: a column drops, converts or rounds it (nil against \"\", dates, attributes)",
            guide: .connectionStore, body: insertedRecordIsReturnedUnchanged),
        Check(
            name: "ConnectionStore.insertReplacesRecordWithSameID",
            cause: "insert does not replace a record with the same id: use an upsert (ON CONFLICT (id) DO UPDATE)",
            guide: .connectionStore, body: insertReplacesRecordWithSameID),
        Check(
            name: "ConnectionStore.unknownIDHasNoRecord",
            cause: "connection(_:) or count() reports a record that was never inserted",
            guide: .connectionStore, body: unknownIDHasNoRecord),
        Check(
            name: "ConnectionStore.removeReturnsRecordAndDeletesIt",
            cause: "remove(_:) must delete the record and return it as stored (DELETE … RETURNING)",
            guide: .connectionStore, body: removeReturnsRecordAndDeletesIt),
        Check(
            name: "ConnectionStore.removeIsIdempotent",
            cause: "remove(_:) of an id that is not stored must return nil, not a record or an error",
            guide: .connectionStore, body: removeIsIdempotent),
        Check(
            name: "ConnectionStore.touchSetsLastActiveAtOnly",
            cause: "touch(_:at:) must set lastActiveAt of that record and change nothing else",
            guide: .connectionStore, body: touchSetsLastActiveAtOnly),
        Check(
            name: "ConnectionStore.touchOfUnknownIDDoesNothing",
            cause: "touch(_:at:) of an unknown id creates a record: use UPDATE, not an upsert",
            guide: .connectionStore, body: touchOfUnknownIDDoesNothing),
        Check(
            name: "ConnectionStore.idleConnectionsUseStrictCutoff",
            cause: "idleConnections compares lastActiveAt <= cutoff; the cutoff is strict (<)",
            guide: .connectionStore, body: idleConnectionsUseStrictCutoff),
        Check(
            name: "ConnectionStore.idleConnectionsHonourLimit",
            cause: "idleConnections returns more than limit ids",
            guide: .connectionStore, body: idleConnectionsHonourLimit),
        Check(
            name: "ConnectionStore.touchedConnectionIsNoLongerIdle",
            cause: "idleConnections does not see what touch(_:at:) wrote (a stale cache or index?)",
            guide: .connectionStore, body: touchedConnectionIsNoLongerIdle),
        Check(
            name: "ConnectionStore.countTracksInsertsAndRemovals",
            cause:
                "count() drifts from the stored records (a re-insert counted twice, or a counter kept beside the rows?)",
            guide: .connectionStore, body: countTracksInsertsAndRemovals),
        Check(
            name: "ConnectionStore.identifiersAreComparedExactly",
            cause: "connection ids are not kept byte for byte: folded, normalized, trimmed or truncated",
            guide: .identifiers, body: identifiersAreComparedExactly),
        Check(
            name: "ConnectionStore.identifiersWithNULAreKeptOrRefused",
            cause: "an id with U+0000 inside is altered instead of kept or refused",
            guide: .identifiers, body: identifiersWithNULAreKeptOrRefused),
        Check(
            name: "ConnectionStore.manyConnections",
            cause: "records go missing, or idleConnections misses some, once the store holds a few hundred",
            guide: .connectionStore, body: manyConnections),
        Check(
            name: "ConnectionStore.concurrentInsertsAndRemovesKeepCount",
            cause:
                "concurrent inserts, touches and removes lose or revive records (a read-modify-write that is not atomic?)",
            guide: .connectionStore, body: concurrentInsertsAndRemovesKeepCount),
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
        // Empty strings are values, not "unknown": a store that maps "" to NULL (or NULL to "") fails.
        let empty = Connection(
            id: F.connection("empty"), remoteAddress: "", connectedAt: F.date(1), subprotocol: "",
            attributes: ["note": ""])
        try await store.insert(full)
        try await store.insert(bare)
        try await store.insert(empty)
        r.expectEqual(try await store.connection(full.id), full, "connection(\"full\") after insert")
        r.expectEqual(
            try await store.connection(bare.id), bare, "connection(\"bare\") (no address, subprotocol or attributes)")
        let storedEmpty = try await store.connection(empty.id)
        if let storedEmpty, storedEmpty.remoteAddress == nil || storedEmpty.subprotocol == nil {
            r.suspect("an empty remoteAddress or subprotocol comes back as nil: keep \"\" and NULL apart")
        }
        r.expectEqual(storedEmpty, empty, "connection(\"empty\") (remoteAddress \"\", subprotocol \"\")")
        r.expectEqual(try await store.count(), 3, "count() after three inserts")
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
        let negative = try await store.idleConnections(lastActiveBefore: cutoff, limit: -1)
        if !negative.isEmpty {
            r.suspect("a negative limit is passed to SQL, where LIMIT -1 means no limit (SQLite): clamp it to 0")
        }
        r.expectEqual(negative, [], "idleConnections(limit: -1)")
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
        var mismatches: [String] = []
        for (offset, text) in texts.enumerated() {
            let expected = record(text, active: offset)
            let stored = try await store.connection(F.connection(text))
            guard stored != expected else { continue }
            if let stored { r.suspect(confusion(of: text, with: stored)) }
            mismatches.append(
                "connection(\(ConformanceRecorder.show(text))) returned "
                    + (stored.map { "the record of \(ConformanceRecorder.show(sentID(of: $0)))" } ?? "nil"))
        }
        for mismatch in mismatches { r.fail(mismatch) }
        r.expectEqual(try await store.count(), texts.count, "count() after inserting \(texts.count) distinct ids")
    }

    /// Ids that only a store keeping bytes tells apart, but which the PostgreSQL `text` type also
    /// refuses: such a store may throw for them (the client then gets `internal_error`), never alter them.
    static func identifiersWithNULAreKeptOrRefused(
        _ r: ConformanceRecorder,
        _ store: any ConnectionStore,
        _ options: StoreConformanceOptions
    ) async throws {
        let partner = record("nul", active: 0)
        try await store.insert(partner)
        var kept: [Connection] = []
        for (offset, text) in F.connectionTextsWithNUL.enumerated() {
            let connection = record(text, active: offset + 1)
            do {
                try await store.insert(connection)
                kept.append(connection)
            } catch {
                // Refused: a lookup may throw too, but must not find another record.
                if let found = try? await store.connection(connection.id) {
                    r.suspect(confusion(of: text, with: found))
                    r.fail(
                        "insert(\(ConformanceRecorder.show(text))) threw, yet connection() finds \(ConformanceRecorder.show(sentID(of: found)))'s record"
                    )
                }
            }
        }
        let storedPartner = try await store.connection(partner.id)
        if let storedPartner, storedPartner != partner { r.suspect(confusion(of: "nul", with: storedPartner)) }
        r.expectEqual(storedPartner, partner, "connection(\"nul\") after inserting ids that start with \"nul\\u{0}\"")
        for connection in kept {
            let stored = try await store.connection(connection.id)
            if let stored, stored != connection { r.suspect(confusion(of: connection.id.rawValue, with: stored)) }
            r.expectEqual(stored, connection, "connection(\(ConformanceRecorder.show(connection.id)))")
        }
        r.expectEqual(try await store.count(), 1 + kept.count, "count() with \(kept.count) ids holding U+0000 kept")
    }

    /// The id a record was inserted under: `record(_:active:)` writes it into the attributes, so a
    /// store that returns the wrong record (or a record under an altered id) still shows which one it was.
    private static func sentID(of stored: Connection) -> String {
        stored.attributes["userId"].map { String($0.dropFirst("user-".count)) } ?? stored.id.rawValue
    }

    /// The likely cause when asking for `text` returned `stored`: either `text` was altered on its
    /// way in, or the record returned was inserted under an id the store took for `text`.
    private static func confusion(of text: String, with stored: Connection) -> String {
        let other = sentID(of: stored)
        return IdentifierDiagnosis.cause(sent: text, got: stored.id.rawValue)
            ?? IdentifierDiagnosis.cause(sent: text, got: other)
            ?? IdentifierDiagnosis.cause(sent: other, got: text)
            ?? "connection ids are not kept byte for byte"
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
