import Foundation
import Testing

@testable import WebSocketPubSub

/// The router's single pass finds `action` and `entityId` together; these pin that the second key
/// obeys the same rules as the first, except that its duplicates are reported instead of thrown.
@Suite("JSONScanner's second key")
struct JSONScannerSecondKeyTests {
    let scanner = JSONScanner()

    private func scan(_ text: String) throws(JSONScanError) -> (JSONMember?, JSONScanCore.SecondMember) {
        try scanner.members("action", "entityId", in: Array(text.utf8))
    }

    @Test func findsBothKeysInEitherOrder() throws {
        let (action, entity) = try scan(#"{"action":"subscribe","entityId":"E"}"#)
        #expect(action?.string == "subscribe")
        #expect(entity == .found(JSONMember(kind: .string, range: 33..<36, string: "E")))
        let (action2, entity2) = try scan(#"{"entityId":"E","action":"subscribe"}"#)
        #expect(action2?.string == "subscribe")
        #expect(entity2 == .found(JSONMember(kind: .string, range: 12..<15, string: "E")))
    }

    @Test func agreesWithTheOneKeyScanOnEveryMember() throws {
        let documents = [
            #"{"action":"a","entityId":{"nested":[1,2,{"entityId":"inner"}]},"x":true}"#,
            #"{"action":"a","entityId":-1.5e3}"#,
            #"{"action":"a","entity\u0049d":"escaped key"}"#,
            #"{"action":"a","entityId":"caf\u00e9 \"q\""}"#,
            #"{"action":"a","data":{"entityId":"nested only"}}"#,
            #"{"action":"a"}"#,
        ]
        for document in documents {
            let bytes = Array(document.utf8)
            let (action, second) = try scanner.members("action", "entityId", in: bytes)
            #expect(action == (try scanner.member("action", in: bytes)))
            let alone = try scanner.member("entityId", in: bytes)
            #expect(second == (alone.map { .found($0) } ?? .absent), "\(document)")
        }
    }

    @Test func reportsADuplicatedSecondKeyWithoutThrowing() throws {
        let (action, entity) = try scan(#"{"action":"a","entityId":"E","entityId":"F","entityId":"G"}"#)
        #expect(action?.string == "a")
        #expect(entity == .duplicated(at: 29))
    }

    @Test func stillThrowsOnADuplicatedFirstKeyAndOnInvalidJSON() {
        #expect(throws: JSONScanError(.duplicateKey("action"), at: 29)) {
            try scan(#"{"action":"a","entityId":"E","action":"b"}"#)
        }
        #expect(throws: JSONScanError(.unexpectedEnd, at: 28)) {
            try scan(#"{"action":"a","entityId":"E""#)
        }
    }

    @Test func aContextAnswersThePrefetchedMemberUntilItsMessageChanges() async throws {
        var router = MessageRouter()
        router.on("go") { context in
            var context = context
            #expect(throws: JSONScanError(.duplicateKey("entityId"), at: 30)) { try context.member("entityId") }
            context.message = Array(#"{"action":"go","entityId":"G"}"#.utf8)
            return OutboundMessage(text: try context.member("entityId")?.string ?? "none")
        }
        let connection = Connection(id: ConnectionID("c1"), connectedAt: .init(timeIntervalSince1970: 0))
        let result = await router.route(
            Array(#"{"action":"go","entityId":"E","entityId":"F"}"#.utf8), from: connection)
        #expect(result == .handled(route: "go", reply: OutboundMessage(text: "G")))
    }
}
