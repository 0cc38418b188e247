/// Thrown by the conformance suites' `validate` methods when a store breaks its contract.
///
/// Its description holds every failed check's report (``StoreConformanceFailure/description``), so
/// that a test framework that prints thrown errors shows the whole report.
public struct StoreConformanceError: Error, Hashable, Sendable, CustomStringConvertible {
    /// One report per failed check, in the order the checks ran.
    public var failures: [StoreConformanceFailure]

    /// Wraps a non-empty list of failures.
    public init(failures: [StoreConformanceFailure]) {
        self.failures = failures
    }

    public var description: String {
        let header = "the store failed \(failures.count) conformance check(s):"
        return ([header] + failures.map(\.description)).joined(separator: "\n")
    }
}
