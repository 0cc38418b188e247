import Testing
import WebSocketPubSub

@Suite("Identifiers")
struct IdentifierTests {
    /// "é" as one code point and as "e" plus a combining accent: equal as Swift `String`s, different
    /// bytes, so different ids, as a database column would see them.
    @Test func entityIDsCompareByExactBytes() throws {
        let composed = try EntityID(validating: "caf\u{E9}")
        let decomposed = try EntityID(validating: "cafe\u{301}")
        #expect(composed.rawValue == decomposed.rawValue)
        #expect(composed != decomposed)
        #expect(Set([composed, decomposed]).count == 2)
        #expect((composed < decomposed) != (decomposed < composed))
    }

    @Test func equivalentSpellingsAreSeparateSubscriptions() async throws {
        let store = InMemorySubscriptionStore()
        let connection = ConnectionID("c1")
        _ = try store.subscribe(connection, to: EntityID(validating: "caf\u{E9}"), limit: 8)
        _ = try store.subscribe(connection, to: EntityID(validating: "cafe\u{301}"), limit: 8)
        #expect(store.count() == 2)
    }

    @Test func generatedConnectionIDsAre22Base64URLCharactersAndDistinct() {
        let ids = (0..<1000).map { _ in ConnectionID.random() }
        #expect(Set(ids).count == 1000)
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        #expect(ids.allSatisfy { $0.rawValue.count == 22 && $0.rawValue.allSatisfy(alphabet.contains) })
    }
}
