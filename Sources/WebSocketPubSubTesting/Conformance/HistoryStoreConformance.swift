public import WebSocketPubSub

/// Every behavioural check of ``HistoryStore``, in one call.
///
/// Give it a factory that returns a fresh, empty store with the limits it is given; it is called at
/// least once per check (the epoch check makes two stores, as a restart would). One check waits
/// out a one-second time to live.
///
/// ```swift
/// import Testing
/// import WebSocketPubSub
/// import WebSocketPubSubTesting
///
/// @Test func myHistoryConforms() async throws {
///     try await HistoryStoreConformance { limits in InMemoryHistoryStore(limits: limits) }.validate()
/// }
/// ```
public struct HistoryStoreConformance: Sendable {
    /// Makes a new, empty store that keeps history within the given limits.
    public typealias Factory = @Sendable (HistoryLimits) async throws -> any HistoryStore

    /// The name of every check, in the order they run.
    public static var checkNames: [String] { HistoryStoreChecks.all.map(\.name) }

    private let options: StoreConformanceOptions
    private let makeStore: Factory

    /// Prepares the suite.
    ///
    /// - Parameters:
    ///   - options: How hard to push the store (``StoreConformanceOptions/concurrency`` appenders).
    ///   - makeStore: Returns a new, empty store with the given limits each time it is called.
    public init(options: StoreConformanceOptions = StoreConformanceOptions(), makeStore: @escaping Factory) {
        self.options = options
        self.makeStore = makeStore
    }

    /// Runs the checks named in `names` (every check when `nil`) and returns one report per failed
    /// check; empty means conformant. A name that is no check is reported as a failure.
    public func run(only names: Set<String>? = nil) async -> [StoreConformanceFailure] {
        let makeStore = makeStore
        return ConformanceCheck<Factory>.unknown(names, among: Self.checkNames)
            + (await ConformanceCheck.run(HistoryStoreChecks.all, only: names, options: options) { makeStore })
    }

    /// Runs the checks named in `names` (every check when `nil`) and throws if any failed.
    ///
    /// - Throws: ``StoreConformanceError`` holding every failed check's report.
    public func validate(only names: Set<String>? = nil) async throws(StoreConformanceError) {
        let failures = await run(only: names)
        if !failures.isEmpty { throw StoreConformanceError(failures: failures) }
    }
}
