import Testing
import WebSocketPubSub

@Suite("The host executables' command line")
struct PubSubHostOptionsTests {
    @Test func defaultsAreTheContracts() throws {
        let options = try PubSubHostOptions.parse([], program: "pubsub-x")
        #expect(options.host == "127.0.0.1")
        #expect(options.port == 8080)
        #expect(options.maxMessageBytes == 131_072)
        #expect(options.maxSubscriptionsPerConnection == 128)
        #expect(options.historyLimits == nil)
    }

    @Test func historyFlagsGiveTheLimits() throws {
        let options = try PubSubHostOptions.parse(["--history-size", "50", "--history-ttl", "7"], program: "pubsub-x")
        #expect(options.historyLimits == HistoryLimits(maxMessagesPerEntity: 50, timeToLive: .seconds(7)))
        #expect(try PubSubHostOptions.parse(["--history-size", "0"], program: "pubsub-x").historyLimits == nil)
    }

    @Test func readsEveryFlag() throws {
        let options = try PubSubHostOptions.parse(
            [
                "--host", "0.0.0.0", "--port", "0", "--max-message-bytes", "10", "--max-subscriptions-per-connection",
                "3", "--max-pending-outbound-bytes", "99",
            ], program: "pubsub-x")
        #expect(options.host == "0.0.0.0" && options.port == 0 && options.maxMessageBytes == 10)
        #expect(options.maxSubscriptionsPerConnection == 3 && options.maxPendingOutboundBytes == 99)
    }

    @Test(arguments: [
        ["--port"], ["--port", "x"], ["--port", "70000"], ["--max-message-bytes", "0"], ["--nope", "1"], ["--help"],
        ["--history-size", "-1"], ["--history-ttl", "0"], ["--history-ttl", "86401"],
    ])
    func refusesAMistakeWithTheUsage(_ arguments: [String]) {
        #expect(throws: PubSubUsageError.self) { try PubSubHostOptions.parse(arguments, program: "pubsub-x") }
        do {
            _ = try PubSubHostOptions.parse(arguments, program: "pubsub-x")
        } catch {
            #expect(error.message.contains("usage: pubsub-x"))
        }
    }
}
