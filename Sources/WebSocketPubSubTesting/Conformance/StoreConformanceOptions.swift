/// How hard the conformance suites push a store.
///
/// The defaults finish in well under a second against the in-memory stores. A store backed by a
/// remote database may want a smaller ``population`` and ``randomOperations``, or a ``concurrency``
/// no larger than its connection pool.
public struct StoreConformanceOptions: Hashable, Sendable {
    /// How many connections (and, for subscriptions, about a quarter as many entities) the
    /// "many records" checks create.
    public var population: Int
    /// How many tasks the concurrency checks run at once.
    public var concurrency: Int
    /// How many random operations the model-based subscription check performs.
    public var randomOperations: Int
    /// The seed of every random choice. A failed check that draws from it prints it
    /// (``StoreConformanceFailure/seed``); pass the same seed to replay the same operations.
    public var seed: UInt64

    /// Creates options; every value has a default suited to an in-memory store.
    public init(population: Int = 200, concurrency: Int = 32, randomOperations: Int = 2000, seed: UInt64 = 0x5EED) {
        self.population = max(8, population)
        self.concurrency = max(2, concurrency)
        self.randomOperations = max(1, randomOperations)
        self.seed = seed
    }
}
