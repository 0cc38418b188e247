/// One failure a failure-injecting store throws from an operation.
///
/// ```swift
/// store.inject(.init(error: DatabaseDown(), times: 2), into: .subscribe)   // the next two subscribes throw
/// store.inject(.init(timing: .afterOperation), into: .insert)             // inserts happen, then throw
/// ```
public struct InjectedFault: Sendable {
    /// When the fault throws, relative to the wrapped store's operation.
    public enum Timing: Hashable, Sendable {
        /// Throws without calling the wrapped store: the operation did not happen (a refused
        /// connection, a failed statement).
        case beforeOperation
        /// Calls the wrapped store, then throws: the operation happened but its answer was lost
        /// (a timeout after the commit), the case callers most often get wrong.
        case afterOperation
    }

    /// What the operation throws.
    public var error: any Error
    /// Whether the wrapped store runs the operation before the error is thrown.
    public var timing: Timing
    /// How many calls fail before the operation heals by itself; `nil` for every call until
    /// `heal` is called.
    public var times: Int?

    /// Describes a fault.
    ///
    /// - Parameters:
    ///   - error: What to throw; by default an ``InjectedStoreError`` naming the operation.
    ///   - timing: Before (the default) or after the wrapped store's operation.
    ///   - times: How many calls fail; `nil` (the default) for all of them.
    public init(error: (any Error)? = nil, timing: Timing = .beforeOperation, times: Int? = nil) {
        self.error = error ?? InjectedStoreError(operation: nil)
        self.timing = timing
        self.times = times.map { max(0, $0) }
    }
}

/// The error a failure-injecting store throws when the test gave none.
public struct InjectedStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The operation that failed, for example `subscribe`, when known.
    public var operation: String?

    /// Creates the error.
    public init(operation: String?) {
        self.operation = operation
    }

    public var description: String { "injected store failure" + (operation.map { " in \($0)" } ?? "") }
}
