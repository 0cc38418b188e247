import Testing
import WebSocketPubSub
import WebSocketPubSubTesting

@Suite("Failure-injecting stores")
struct FailureInjectingStoreTests {
    struct DatabaseDown: Error, Equatable {}

    @Test func withoutFaultsTheyPassTheConformanceKit() async throws {
        try await StoreConformance {
            (FailureInjectingConnectionStore(), FailureInjectingSubscriptionStore())
        }.validate()
    }

    @Test func faultBeforeTheOperationLeavesTheStoreUnchanged() async throws {
        let store = FailureInjectingConnectionStore()
        store.inject(InjectedFault(times: 1), into: .insert)
        await #expect(throws: InjectedStoreError(operation: "insert")) {
            try await store.insert(.fixture(id: "a"))
        }
        #expect(try await store.base.count() == 0)
        try await store.insert(.fixture(id: "a"))
        #expect(try await store.base.count() == 1)
        #expect(store.calls(to: .insert) == 2)
        #expect(store.failures(of: .insert) == 1)
        #expect(store.calls(to: .remove) == 0)
    }

    @Test func faultAfterTheOperationThrowsOnceTheWriteHappened() async throws {
        let store = FailureInjectingSubscriptionStore()
        store.inject(InjectedFault(error: DatabaseDown(), timing: .afterOperation), into: .subscribe)
        let game = try EntityID(validating: "game-1")
        await #expect(throws: DatabaseDown()) {
            try await store.subscribe(ConnectionID("a"), to: game, limit: 10)
        }
        #expect(try await store.subscribers(of: game) == [ConnectionID("a")])
    }

    @Test func faultWithoutCountLastsUntilHealed() async throws {
        let store = FailureInjectingSubscriptionStore()
        let game = try EntityID(validating: "game-1")
        store.inject(InjectedFault(), into: .subscribers)
        for _ in 0..<3 {
            await #expect(throws: InjectedStoreError.self) { try await store.subscribers(of: game) }
        }
        #expect(try await store.count() == 0, "other operations are unaffected")
        store.heal(.subscribers)
        #expect(try await store.subscribers(of: game) == [])
        #expect(store.failures(of: .subscribers) == 3)
    }

    @Test func healWithoutOperationHealsEveryOperation() async throws {
        let store = FailureInjectingConnectionStore()
        for operation in FailureInjectingConnectionStore.Operation.allCases {
            store.inject(InjectedFault(), into: operation)
        }
        store.heal()
        try await store.insert(.fixture())
        #expect(try await store.count() == 1)
    }
}

@Suite("Test doubles")
struct DoublesTests {
    @Test func textMessageReadsBackAsText() {
        #expect(OutboundMessage(text: "héllo").text == "héllo")
        #expect(OutboundMessage(bytes: Array("x".utf8), kind: .binary).text == nil)
        #expect(OutboundMessage(bytes: [0x68, 0xFF], kind: .text).text == nil)
    }

    @Test func jsonMessageDecodes() throws {
        struct Status: Decodable, Equatable { var status: String }
        let message = OutboundMessage(text: #"{"status":"subscribed"}"#)
        #expect(try message.decoded(as: Status.self) == Status(status: "subscribed"))
    }

    @Test func connectionFixtureFillsEveryField() {
        let connection = Connection.fixture(id: "c1", attributes: ["role": "admin"])
        #expect(connection.id == ConnectionID("c1"))
        #expect(connection.connectedAt == Connection.fixtureDate)
        #expect(connection.lastActiveAt == Connection.fixtureDate)
        #expect(connection.remoteAddress == "127.0.0.1:50000")
        #expect(connection.subprotocol == nil)
        #expect(connection.attributes == ["role": "admin"])
    }
}
