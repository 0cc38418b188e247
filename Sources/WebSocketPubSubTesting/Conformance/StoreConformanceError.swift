/// Thrown by the conformance suites' `validate` methods when a store breaks its contract.
///
/// Its description lists every failure, one a line, so that a test framework that prints thrown
/// errors shows the whole report.
public struct StoreConformanceError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Every broken rule, in the order the checks ran.
    public var failures: [StoreConformanceFailure]

    /// Wraps a non-empty list of failures.
    public init(failures: [StoreConformanceFailure]) {
        self.failures = failures
    }

    public var description: String {
        let checks = Set(failures.map(\.check)).count
        let header = "the store broke its contract in \(checks) check(s), \(failures.count) failure(s):"
        return ([header] + failures.map { "- \($0)" }).joined(separator: "\n")
    }
}
