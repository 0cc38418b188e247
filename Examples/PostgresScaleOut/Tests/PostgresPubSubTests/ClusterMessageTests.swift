import Foundation
import Testing
import WebSocketPubSub

@testable import PostgresPubSub

@Suite("Cluster notifications")
struct ClusterMessageTests {
    let event = UUID(uuidString: "3F2504E0-4F89-41D3-9A0C-0305E82C3301")!

    @Test func anEventCarriesTheMessageByteForByte() throws {
        let message = Array(#"{"b": [1, 2.50, "ü\n"], "a":null}"#.utf8)
        let text = ClusterMessage.event(
            id: event, reply: "public_pubsub_reply_x", entityId: try EntityID(validating: "game \"42\""),
            message: message)
        #expect(
            text
                == #"{"event":"3f2504e0-4f89-41d3-9a0c-0305e82c3301","reply":"public_pubsub_reply_x","entityId":"game \"42\"","message":{"b": [1, 2.50, "ü\n"], "a":null}}"#
        )
        let notice = try ClusterMessage.parseEvent(text)
        #expect(notice.event == event)
        #expect(notice.reply == "public_pubsub_reply_x")
        #expect(notice.content?.entityId.rawValue == "game \"42\"")
        #expect(notice.content?.message == message)
    }

    @Test func anEventNumberedByTheDatabaseCarriesItsPosition() throws {
        // The text pubsub_publish_with_history builds: the head, then the position, then the message.
        let head = ClusterMessage.head(id: event, reply: "r", entityId: try EntityID(validating: "e"))
        let text = head + #","offset":42,"epoch":"0123456789abcdef","message":{"a":1}}"#
        let notice = try ClusterMessage.parseEvent(text)
        #expect(notice.content?.message == Array(#"{"a":1}"#.utf8))
        #expect(notice.content?.position == HistoryPosition(offset: 42, epoch: "0123456789abcdef"))
        let plain = try ClusterMessage.parseEvent(
            ClusterMessage.event(id: event, reply: "r", entityId: try EntityID(validating: "e"), message: [0x31]))
        #expect(plain.content?.position == nil)
    }

    @Test func aStoredEventCarriesOnlyItsKey() throws {
        let text = ClusterMessage.stored(event: event, reply: "r")
        #expect(text == #"{"event":"3f2504e0-4f89-41d3-9a0c-0305e82c3301","reply":"r","stored":true}"#)
        let notice = try ClusterMessage.parseEvent(text)
        #expect(notice == ClusterMessage.Notice(event: event, reply: "r", content: nil))
    }

    @Test func aReportRoundTrips() throws {
        let report = ClusterMessage.Report(
            event: event, node: "127.0.0.1:8080", recipients: 5, delivered: 3, gone: 1, failed: 1)
        #expect(try ClusterMessage.parseReport(ClusterMessage.report(report)) == report)
    }

    @Test(arguments: [
        "",
        "not json",
        #"{"reply":"r","entityId":"e","message":1}"#,
        #"{"event":"nope","reply":"r","entityId":"e","message":1}"#,
        #"{"event":"3f2504e0-4f89-41d3-9a0c-0305e82c3301","entityId":"e","message":1}"#,
        #"{"event":"3f2504e0-4f89-41d3-9a0c-0305e82c3301","reply":"r","message":1}"#,
        #"{"event":"3f2504e0-4f89-41d3-9a0c-0305e82c3301","reply":"r","entityId":"","message":1}"#,
        #"{"event":"3f2504e0-4f89-41d3-9a0c-0305e82c3301","reply":"r","entityId":"e"}"#,
        #"{"event":"3f2504e0-4f89-41d3-9a0c-0305e82c3301","reply":"r","stored":false}"#,
        #"{"event":"3f2504e0-4f89-41d3-9a0c-0305e82c3301","reply":"r","entityId":"e","offset":1,"message":1}"#,
        #"{"event":"3f2504e0-4f89-41d3-9a0c-0305e82c3301","reply":"r","entityId":"e","epoch":"x","message":1}"#,
        #"{"event":"3f2504e0-4f89-41d3-9a0c-0305e82c3301","reply":"r","entityId":"e","offset":0,"epoch":"x","message":1}"#,
        #"{"event":"3f2504e0-4f89-41d3-9a0c-0305e82c3301","reply":"r","entityId":"e","offset":"1","epoch":"x","message":1}"#,
        #"{"event":"3f2504e0-4f89-41d3-9a0c-0305e82c3301","reply":"r","entityId":"e","offset":1,"epoch":"","message":1}"#,
    ])
    func refusesAnEventThatIsNotOurs(text: String) {
        #expect(throws: ClusterMessage.Malformed.self) { try ClusterMessage.parseEvent(text) }
    }

    @Test(arguments: [
        #"{"event":"3f2504e0-4f89-41d3-9a0c-0305e82c3301","node":"n","recipients":1,"delivered":1,"gone":0}"#,
        #"{"event":"3f2504e0-4f89-41d3-9a0c-0305e82c3301","node":"n","recipients":1,"delivered":-1,"gone":0,"failed":0}"#,
        #"{"event":"3f2504e0-4f89-41d3-9a0c-0305e82c3301","node":"n","recipients":1.5,"delivered":1,"gone":0,"failed":0}"#,
        #"{"event":"3f2504e0-4f89-41d3-9a0c-0305e82c3301","recipients":1,"delivered":1,"gone":0,"failed":0}"#,
    ])
    func refusesAMalformedReport(text: String) {
        #expect(throws: ClusterMessage.Malformed.self) { try ClusterMessage.parseReport(text) }
    }
}
