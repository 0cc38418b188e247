import WebSocketPubSub

/// The checks of ``HistoryStoreConformance``, one per rule of the ``HistoryStore`` contract.
///
/// Each check is handed the factory rather than a store, so that it picks the limits it tests.
enum HistoryStoreChecks {
    typealias Check = ConformanceCheck<HistoryStoreConformance.Factory>
    private typealias F = ConformanceFixtures

    static let all: [Check] = [
        Check(
            name: "HistoryStore.offsetsStartAtOneAndGrowByOne",
            cause: "append must return 1 for an entity's first message, then exactly one more each time",
            guide: .historyStore, body: offsetsStartAtOneAndGrowByOne),
        Check(
            name: "HistoryStore.entitiesAreNumberedApart",
            cause: "offsets are shared between entities: keep one sequence per entity, not one per table",
            guide: .historyStore, body: entitiesAreNumberedApart),
        Check(
            name: "HistoryStore.identifiersAreExactBytes",
            cause: "entity ids that differ only in case, normalization or trailing space share a history",
            guide: .identifiers, body: identifiersAreExactBytes),
        Check(
            name: "HistoryStore.readReplaysInOrderByteForByte",
            cause: "read(_:since:) loses, reorders or alters messages (a text column re-encoding bytes?)",
            guide: .historyStore, body: readReplaysInOrderByteForByte),
        Check(
            name: "HistoryStore.emptyEntityKeepsItsEpoch",
            cause: "an entity read before its first publish must keep that epoch when the publish comes",
            guide: .historyStore, body: emptyEntityKeepsItsEpoch),
        Check(
            name: "HistoryStore.recoveryRefusesWrongEpochAndFutureOffset",
            cause: "read(_:since:) recovers from an epoch that is not current or an offset above the latest",
            guide: .historyStore, body: recoveryRefusesWrongEpochAndFutureOffset),
        Check(
            name: "HistoryStore.trimsToMaxMessagesPerEntity",
            cause: "more than maxMessagesPerEntity messages are kept, or recovery claims trimmed ones",
            guide: .historyStore, body: trimsToMaxMessagesPerEntity),
        Check(
            name: "HistoryStore.expiresAfterTimeToLive",
            cause: "a message older than timeToLive is still replayed",
            guide: .historyStore, body: expiresAfterTimeToLive),
        Check(
            name: "HistoryStore.concurrentAppendsAreGapFree",
            cause: "concurrent appends repeat or skip offsets: increment and insert atomically (a row lock)",
            guide: .historyStore, body: concurrentAppendsAreGapFree),
        Check(
            name: "HistoryStore.newStoreStartsNewEpoch",
            cause: "a fresh store reuses an epoch: a client would take a new numbering for the old one",
            guide: .historyStore, body: newStoreStartsNewEpoch),
    ]

    static func payload(_ text: String) -> [UInt8] { Array(text.utf8) }

    static func offsetsStartAtOneAndGrowByOne(
        _ r: ConformanceRecorder, _ makeStore: HistoryStoreConformance.Factory, _ options: StoreConformanceOptions
    ) async throws {
        let store = try await makeStore(HistoryLimits(maxMessagesPerEntity: 10))
        let entity = try F.entity("game")
        var positions: [HistoryPosition] = []
        for index in 1...5 { positions.append(try await store.append(payload("{\"n\":\(index)}"), to: entity)) }
        r.expectEqual(positions.map(\.offset), [1, 2, 3, 4, 5], "offsets of five appends")
        r.expect(!positions[0].epoch.isEmpty, "the epoch is empty")
        r.expectEqual(Set(positions.map(\.epoch)).count, 1, "number of epochs over five appends")
        let read = try await store.read(entity, since: nil)
        r.expectEqual(read.position, positions[4], "read(_:since: nil) after five appends")
        r.expectEqual(read.recovered, nil, "recovered without since")
    }

    static func entitiesAreNumberedApart(
        _ r: ConformanceRecorder, _ makeStore: HistoryStoreConformance.Factory, _ options: StoreConformanceOptions
    ) async throws {
        let store = try await makeStore(HistoryLimits(maxMessagesPerEntity: 10))
        var offsets: [String: [Int]] = [:]
        for (index, name) in ["a", "b", "a", "c", "b", "a"].enumerated() {
            let position = try await store.append(payload("\(index)"), to: F.entity(name))
            offsets[name, default: []].append(position.offset)
        }
        r.expectEqual(offsets["a"], [1, 2, 3], "offsets of entity a")
        r.expectEqual(offsets["b"], [1, 2], "offsets of entity b")
        r.expectEqual(offsets["c"], [1], "offsets of entity c")
    }

    static func identifiersAreExactBytes(
        _ r: ConformanceRecorder, _ makeStore: HistoryStoreConformance.Factory, _ options: StoreConformanceOptions
    ) async throws {
        let store = try await makeStore(HistoryLimits(maxMessagesPerEntity: 10))
        // Precomposed and decomposed "café", case, a trailing space: four different ids.
        let names = ["caf\u{E9}", "cafe\u{301}", "Caf\u{E9}", "caf\u{E9} "]
        // String's == treats the two spellings of "café" as equal: tell them apart by position.
        for (index, name) in names.enumerated() {
            let position = try await store.append(payload("\"\(index)\""), to: F.entity(name))
            r.expectEqual(position.offset, 1, "offset of the first append to \(ConformanceRecorder.show(name))")
        }
        for (index, name) in names.enumerated() {
            let read = try await store.read(F.entity(name), since: HistoryPosition(offset: 0, epoch: ""))
            let epoch = try await store.read(F.entity(name), since: nil).position.epoch
            let recovered = try await store.read(F.entity(name), since: HistoryPosition(offset: 0, epoch: epoch))
            r.expectEqual(read.recovered, false, "recovery with an empty epoch")
            r.expectEqual(
                recovered.entries.map(\.message), [payload("\"\(index)\"")],
                "messages of \(ConformanceRecorder.show(name))")
        }
    }

    static func readReplaysInOrderByteForByte(
        _ r: ConformanceRecorder, _ makeStore: HistoryStoreConformance.Factory, _ options: StoreConformanceOptions
    ) async throws {
        let store = try await makeStore(HistoryLimits(maxMessagesPerEntity: 100))
        let entity = try F.entity("doc")
        let messages: [[UInt8]] = [
            payload(#"{"text":"héllo wörld ✓ 🎉"}"#),
            payload(#""quote \" backslash \\ newline \n tab \t nul \u0000""#),
            payload("[" + String(repeating: "1234567890,", count: 1000) + "0]"),
            payload("null"), payload("42"), payload("{}"),
        ]
        var epoch = ""
        for message in messages { epoch = try await store.append(message, to: entity).epoch }
        let all = try await store.read(entity, since: HistoryPosition(offset: 0, epoch: epoch))
        r.expectEqual(all.recovered, true, "recovered from offset 0")
        r.expectEqual(all.entries.map(\.offset), Array(1...messages.count), "offsets replayed from 0")
        r.expect(all.entries.map(\.message) == messages, "replayed messages differ from the appended bytes")
        let tail = try await store.read(entity, since: HistoryPosition(offset: 2, epoch: epoch))
        r.expectEqual(tail.entries.map(\.offset), Array(3...messages.count), "offsets replayed from 2")
        r.expectEqual(tail.position, HistoryPosition(offset: messages.count, epoch: epoch), "position of the read")
    }

    static func emptyEntityKeepsItsEpoch(
        _ r: ConformanceRecorder, _ makeStore: HistoryStoreConformance.Factory, _ options: StoreConformanceOptions
    ) async throws {
        let store = try await makeStore(HistoryLimits(maxMessagesPerEntity: 10))
        let entity = try F.entity("quiet")
        let before = try await store.read(entity, since: nil).position
        r.expectEqual(before.offset, 0, "offset of an entity never published to")
        r.expect(!before.epoch.isEmpty, "the epoch of an entity never published to is empty")
        let appended = try await store.append(payload("1"), to: entity)
        r.expectEqual(appended, HistoryPosition(offset: 1, epoch: before.epoch), "the first append after a read")
        let recovered = try await store.read(entity, since: before)
        r.expectEqual(recovered.recovered, true, "recovery from the position read before the first publish")
        r.expectEqual(recovered.entries.map(\.offset), [1], "offsets replayed from 0")
    }

    static func recoveryRefusesWrongEpochAndFutureOffset(
        _ r: ConformanceRecorder, _ makeStore: HistoryStoreConformance.Factory, _ options: StoreConformanceOptions
    ) async throws {
        let store = try await makeStore(HistoryLimits(maxMessagesPerEntity: 10))
        let entity = try F.entity("match")
        var latest = HistoryPosition(offset: 0, epoch: "")
        for index in 1...3 { latest = try await store.append(payload("\(index)"), to: entity) }
        let wrongEpoch = try await store.read(entity, since: HistoryPosition(offset: 1, epoch: latest.epoch + "x"))
        r.expectEqual(wrongEpoch.recovered, false, "recovered with another epoch")
        r.expectEqual(wrongEpoch.entries.count, 0, "entries replayed with another epoch")
        r.expectEqual(wrongEpoch.position, latest, "position answered with another epoch")
        let future = try await store.read(entity, since: HistoryPosition(offset: 4, epoch: latest.epoch))
        r.expectEqual(future.recovered, false, "recovered from an offset above the latest")
        let current = try await store.read(entity, since: latest)
        r.expectEqual(current.recovered, true, "recovered from the latest offset")
        r.expectEqual(current.entries.count, 0, "entries replayed from the latest offset")
    }

    static func trimsToMaxMessagesPerEntity(
        _ r: ConformanceRecorder, _ makeStore: HistoryStoreConformance.Factory, _ options: StoreConformanceOptions
    ) async throws {
        let store = try await makeStore(HistoryLimits(maxMessagesPerEntity: 3))
        let entity = try F.entity("busy")
        var epoch = ""
        for index in 1...5 { epoch = try await store.append(payload("\(index)"), to: entity).epoch }
        let tooOld = try await store.read(entity, since: HistoryPosition(offset: 1, epoch: epoch))
        r.expectEqual(tooOld.recovered, false, "recovered from offset 1 with 3 of 5 messages kept")
        let kept = try await store.read(entity, since: HistoryPosition(offset: 2, epoch: epoch))
        r.expectEqual(kept.recovered, true, "recovered from offset 2 with 3 of 5 messages kept")
        r.expectEqual(kept.entries.map(\.offset), [3, 4, 5], "offsets replayed from 2")
    }

    static func expiresAfterTimeToLive(
        _ r: ConformanceRecorder, _ makeStore: HistoryStoreConformance.Factory, _ options: StoreConformanceOptions
    ) async throws {
        let store = try await makeStore(HistoryLimits(maxMessagesPerEntity: 10, timeToLive: .seconds(1)))
        let entity = try F.entity("stale")
        _ = try await store.append(payload("1"), to: entity)
        _ = try await store.append(payload("2"), to: entity)
        try await Task.sleep(for: .milliseconds(1_300))
        let latest = try await store.append(payload("3"), to: entity)
        _ = try await store.removeExpired()
        let expired = try await store.read(entity, since: HistoryPosition(offset: 0, epoch: latest.epoch))
        r.expectEqual(expired.recovered, false, "recovered messages older than the time to live")
        let fresh = try await store.read(entity, since: HistoryPosition(offset: 2, epoch: latest.epoch))
        r.expectEqual(fresh.recovered, true, "recovered the one message younger than the time to live")
        r.expectEqual(fresh.entries.map(\.offset), [3], "offsets replayed from 2")
        r.expectEqual(latest.offset, 3, "offset of the third append (offsets survive expiry)")
    }

    static func concurrentAppendsAreGapFree(
        _ r: ConformanceRecorder, _ makeStore: HistoryStoreConformance.Factory, _ options: StoreConformanceOptions
    ) async throws {
        let perTask = 10
        let total = options.concurrency * perTask
        let store = try await makeStore(HistoryLimits(maxMessagesPerEntity: total))
        let entity = try F.entity("hot")
        let gate = StartingGate(parties: options.concurrency)
        let appended = try await withThrowingTaskGroup(of: [(Int, String, [UInt8])].self) { group in
            for task in 0..<options.concurrency {
                group.addTask {
                    await gate.arriveAndWait()
                    var mine: [(Int, String, [UInt8])] = []
                    for index in 0..<perTask {
                        let message = payload("\"\(task)-\(index)\"")
                        let position = try await store.append(message, to: entity)
                        mine.append((position.offset, position.epoch, message))
                    }
                    return mine
                }
            }
            var all: [(Int, String, [UInt8])] = []
            for try await mine in group { all += mine }
            return all
        }
        let offsets = appended.map(\.0).sorted()
        r.expectEqual(offsets, Array(1...total), "offsets of \(total) concurrent appends, sorted")
        r.expectEqual(Set(appended.map(\.1)).count, 1, "epochs over concurrent appends")
        let read = try await store.read(entity, since: HistoryPosition(offset: 0, epoch: appended[0].1))
        let expected = Dictionary(appended.map { ($0.0, $0.2) }, uniquingKeysWith: { first, _ in first })
        r.expectEqual(read.entries.map(\.offset), Array(1...total), "offsets replayed after concurrent appends")
        let mismatched = read.entries.filter { expected[$0.offset] != $0.message }.map(\.offset)
        r.expectEqual(mismatched, [], "offsets whose replayed message is not the one its append returned it for")
    }

    static func newStoreStartsNewEpoch(
        _ r: ConformanceRecorder, _ makeStore: HistoryStoreConformance.Factory, _ options: StoreConformanceOptions
    ) async throws {
        let entity = try F.entity("restarted")
        let first = try await makeStore(HistoryLimits(maxMessagesPerEntity: 10))
        let before = try await first.append(payload("1"), to: entity)
        let second = try await makeStore(HistoryLimits(maxMessagesPerEntity: 10))
        let after = try await second.read(entity, since: before)
        r.expect(after.position.epoch != before.epoch, "a fresh store reported the old epoch \(before.epoch)")
        r.expectEqual(after.recovered, false, "recovered from a position of the store before")
    }
}
