import Foundation
import NIOConcurrencyHelpers

/// Gathers the nodes' delivery reports of this node's publishes, each until every expected node
/// has answered or the publish's time is up.
///
/// One lock guards one dictionary; a report for an event no publish waits for (late, after the
/// timeout) is dropped, so nothing accumulates.
final class ReportCollector: Sendable {
    private struct Pending {
        var expected: Set<String>?
        var reports: [String: ClusterMessage.Report] = [:]
        var waiter: CheckedContinuation<Void, Never>?
        /// The publish's time ran out, possibly before it began to wait.
        var expired = false

        var isComplete: Bool {
            guard let expected else { return false }
            return expected.isSubset(of: reports.keys)
        }
    }

    private let pending = NIOLockedValueBox([UUID: Pending]())

    /// Starts collecting for `event`, before its notification is sent, so no early report is lost.
    func begin(_ event: UUID) {
        pending.withLockedValue { $0[event] = Pending() }
    }

    /// Stops collecting for `event` (a publish that failed to send).
    func cancel(_ event: UUID) {
        let waiter = pending.withLockedValue { $0.removeValue(forKey: event)?.waiter }
        waiter?.resume()
    }

    /// Records a report; wakes its publish when it was the last one expected.
    func receive(_ report: ClusterMessage.Report) {
        let waiter: CheckedContinuation<Void, Never>? = pending.withLockedValue { pending in
            guard var entry = pending[report.event] else { return nil }
            entry.reports[report.node] = report
            let waiter = entry.isComplete ? entry.waiter : nil
            if waiter != nil { entry.waiter = nil }
            pending[report.event] = entry
            return waiter
        }
        waiter?.resume()
    }

    /// Waits until every node in `expected` has reported for `event`, or `timeout` passes, and
    /// returns the reports received (from expected nodes and any other).
    func collect(_ event: UUID, expected: [String], timeout: Duration) async -> [ClusterMessage.Report] {
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            self?.expire(event)
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = pending.withLockedValue { pending -> Bool in
                guard var entry = pending[event] else { return true }
                entry.expected = Set(expected)
                if entry.isComplete || entry.expired {
                    pending[event] = entry
                    return true
                }
                entry.waiter = continuation
                pending[event] = entry
                return false
            }
            if resumeNow { continuation.resume() }
        }
        timer.cancel()
        let entry = pending.withLockedValue { $0.removeValue(forKey: event) }
        return entry.map { Array($0.reports.values) } ?? []
    }

    /// Wakes the publish of `event` with what has arrived so far; its entry stays until it is collected.
    private func expire(_ event: UUID) {
        let waiter: CheckedContinuation<Void, Never>? = pending.withLockedValue { pending in
            guard var entry = pending[event] else { return nil }
            let waiter = entry.waiter
            entry.waiter = nil
            entry.expired = true
            pending[event] = entry
            return waiter
        }
        waiter?.resume()
    }
}
