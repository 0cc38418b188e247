import WebSocketPubSub

/// The faults scripted for each operation of one wrapped store, and how often each was called.
final class FaultPlan<Operation: Hashable & Sendable & RawRepresentable<String>>: Sendable {
    private struct State: Sendable {
        var faults: [Operation: InjectedFault] = [:]
        var calls: [Operation: Int] = [:]
        var thrown: [Operation: Int] = [:]
    }

    private let state = StoreLock(State())

    func inject(_ fault: InjectedFault, into operation: Operation) {
        state.withLock { $0.faults[operation] = fault }
    }

    func heal(_ operation: Operation?) {
        state.withLock { state in
            if let operation { state.faults[operation] = nil } else { state.faults.removeAll() }
        }
    }

    func calls(to operation: Operation) -> Int {
        state.withLock { $0.calls[operation, default: 0] }
    }

    func thrown(by operation: Operation) -> Int {
        state.withLock { $0.thrown[operation, default: 0] }
    }

    /// Counts one call of `operation` and decides, once, whether it fails: the error and when.
    private func take(_ operation: Operation) -> (error: any Error, timing: InjectedFault.Timing)? {
        state.withLock { state in
            state.calls[operation, default: 0] += 1
            guard var fault = state.faults[operation] else { return nil }
            if let times = fault.times {
                guard times > 0 else {
                    state.faults[operation] = nil
                    return nil
                }
                fault.times = times - 1
                state.faults[operation] = fault.times == 0 ? nil : fault
            }
            state.thrown[operation, default: 0] += 1
            var error = fault.error
            if var injected = error as? InjectedStoreError, injected.operation == nil {
                injected.operation = operation.rawValue
                error = injected
            }
            return (error, fault.timing)
        }
    }

    /// Runs `body` (the wrapped store's operation) unless a fault says otherwise.
    func run<Result>(_ operation: Operation, _ body: () async throws -> Result) async throws -> Result {
        let fault = take(operation)
        if let fault, fault.timing == .beforeOperation { throw fault.error }
        let result = try await body()
        if let fault { throw fault.error }
        return result
    }
}
