import WebSocketPubSub

/// Stand-ins for the reader's own stores in Documentation/CustomStores.md: `fresh()` returns a store
/// over an empty database there, an in-memory store here, so that the guide's tests compile and pass.
enum MyConnectionStore {
    static func fresh() async throws -> some ConnectionStore { InMemoryConnectionStore() }
}

/// See ``MyConnectionStore``.
enum MySubscriptionStore {
    static func fresh() async throws -> some SubscriptionStore { InMemorySubscriptionStore() }
}
