public import WebSocketPubSub

/// Every behavioural check of ``ConnectionStore`` and ``SubscriptionStore``, in one call.
///
/// Give it a factory that returns a fresh, empty pair of stores; it is called once per check. The
/// suite depends on neither `Testing` nor `XCTest`, so it runs under both:
///
/// ```swift
/// import Testing
/// import WebSocketPubSubTesting
///
/// @Test func myStoresConform() async throws {
///     try await StoreConformance { (try await MyConnectionStore.fresh(), try await MySubscriptionStore.fresh()) }
///         .validate()
/// }
///
/// // Or one test per check, so that the test navigator shows which rule broke:
/// @Test(arguments: StoreConformance.checkNames)
/// func myStoresConform(check: String) async throws {
///     try await StoreConformance { (MyConnectionStore(), MySubscriptionStore()) }.validate(only: [check])
/// }
/// ```
///
/// ```swift
/// import XCTest
/// import WebSocketPubSubTesting
///
/// final class MyStoreTests: XCTestCase {
///     func testStoresConform() async {
///         // One XCTFail per failed check, each report printed once.
///         for failure in await StoreConformance({ (MyConnectionStore(), MySubscriptionStore()) }).run() {
///             XCTFail(failure.description)
///         }
///     }
/// }
/// ```
///
/// Each check uses only the store it tests; checks run one after another, and the concurrency
/// checks run ``StoreConformanceOptions/concurrency`` tasks at once against one store.
public struct StoreConformance: Sendable {
    /// Makes a new, empty pair of stores; called once per check.
    public typealias Factory = @Sendable () async throws -> (any ConnectionStore, any SubscriptionStore)

    /// The name of every check, connection-store checks first; pass some to ``run(only:)`` to run those alone.
    public static var checkNames: [String] {
        ConnectionStoreConformance.checkNames + SubscriptionStoreConformance.checkNames
    }

    private let options: StoreConformanceOptions
    private let makeStores: Factory

    /// Prepares the suite.
    ///
    /// - Parameters:
    ///   - options: How hard to push the stores.
    ///   - makeStores: Returns a new, empty pair of stores each time it is called.
    public init(options: StoreConformanceOptions = StoreConformanceOptions(), makeStores: @escaping Factory) {
        self.options = options
        self.makeStores = makeStores
    }

    /// Runs the checks named in `names` (every check when `nil`) and returns one report per failed
    /// check; empty means conformant. A name that is no check is reported as a failure.
    public func run(only names: Set<String>? = nil) async -> [StoreConformanceFailure] {
        let makeStores = makeStores
        let unknown = ConformanceCheck<any ConnectionStore>.unknown(names, among: Self.checkNames)
        let connectionFailures = await ConformanceCheck.run(
            ConnectionStoreChecks.all, only: names, options: options, makeStore: { try await makeStores().0 })
        let subscriptionFailures = await ConformanceCheck.run(
            SubscriptionStoreChecks.all, only: names, options: options, makeStore: { try await makeStores().1 })
        return unknown + connectionFailures + subscriptionFailures
    }

    /// Runs the checks named in `names` (every check when `nil`) and throws if any failed.
    ///
    /// - Throws: ``StoreConformanceError`` holding every failed check's report.
    public func validate(only names: Set<String>? = nil) async throws(StoreConformanceError) {
        let failures = await run(only: names)
        if !failures.isEmpty { throw StoreConformanceError(failures: failures) }
    }
}
