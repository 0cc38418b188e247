public import WebSocketPubSub

/// The behavioural checks every ``ConnectionStore`` must pass, in one call.
///
/// Each check runs against a fresh, empty store from your factory. The suite depends on neither
/// `Testing` nor `XCTest`: ``run(only:)`` returns the failures, and ``validate(only:)`` throws them
/// as one ``StoreConformanceError``.
///
/// ```swift
/// // Swift Testing
/// @Test func postgresConnectionStoreConforms() async throws {
///     try await ConnectionStoreConformance { try await PostgresConnectionStore(emptyDatabase()) }.validate()
/// }
///
/// // XCTest
/// func testPostgresConnectionStoreConforms() async throws {
///     try await ConnectionStoreConformance { try await PostgresConnectionStore(emptyDatabase()) }.validate()
/// }
/// ```
///
/// Usually you test a pair of stores with ``StoreConformance`` instead, which runs these checks
/// and ``SubscriptionStoreConformance``'s.
public struct ConnectionStoreConformance: Sendable {
    /// Makes a new, empty store; called once per check.
    public typealias Factory = @Sendable () async throws -> any ConnectionStore

    /// The name of every check, in the order they run; pass some to ``run(only:)`` to run those alone.
    public static var checkNames: [String] { ConnectionStoreChecks.all.map(\.name) }

    private let options: StoreConformanceOptions
    private let makeStore: Factory

    /// Prepares the suite.
    ///
    /// - Parameters:
    ///   - options: How hard to push the store.
    ///   - makeStore: Returns a new, empty store each time it is called.
    public init(options: StoreConformanceOptions = StoreConformanceOptions(), makeStore: @escaping Factory) {
        self.options = options
        self.makeStore = makeStore
    }

    /// Runs the checks named in `names` (every check when `nil`) and returns one report per failed
    /// check; empty means conformant. A name that is no check is reported as a failure.
    public func run(only names: Set<String>? = nil) async -> [StoreConformanceFailure] {
        ConformanceCheck<any ConnectionStore>.unknown(names, among: Self.checkNames)
            + (await ConformanceCheck.run(
                ConnectionStoreChecks.all, only: names, options: options, makeStore: makeStore))
    }

    /// Runs the checks named in `names` (every check when `nil`) and throws if any failed.
    ///
    /// - Throws: ``StoreConformanceError`` holding every failed check's report.
    public func validate(only names: Set<String>? = nil) async throws(StoreConformanceError) {
        let failures = await run(only: names)
        if !failures.isEmpty { throw StoreConformanceError(failures: failures) }
    }
}
