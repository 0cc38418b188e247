public import WebSocketPubSub

/// A ``ConnectionSender`` that records every batch it is handed and answers as the test scripted.
///
/// By default every recipient accepts every message. ``script(_:as:)`` makes chosen connections gone,
/// or fail for their next attempts, or fail always; a `rule` passed to ``init(rule:beforeSend:)``
/// decides for connections without a script (for example at random from a seeded generator).
///
/// ```swift
/// let sender = RecordingConnectionSender()
/// sender.script(flaky, as: .failNext(2, reason: "buffer full"))
/// sender.script(closed, as: .gone)
/// // ... publish ...
/// #expect(sender.batches.count == 1)
/// #expect(sender.deliveries(to: flaky) == [message])
/// ```
public final class RecordingConnectionSender: ConnectionSender {
    /// How a scripted connection answers.
    public enum Script: Hashable, Sendable {
        /// Accepts every message.
        case deliver
        /// Reports ``SendFailure/Reason/gone`` for every message.
        case gone
        /// Fails transiently for the next `count` messages handed to it, then accepts.
        case failNext(Int, reason: String)
        /// Fails transiently for every message.
        case failAlways(reason: String)
    }

    /// One call to ``send(_:to:)``: the message and the recipients, in the order given.
    public struct Batch: Hashable, Sendable {
        /// The message handed to the sender.
        public var message: OutboundMessage
        /// The recipients, as the caller listed them.
        public var recipients: [ConnectionID]

        /// Creates a batch record.
        public init(message: OutboundMessage, recipients: [ConnectionID]) {
            self.message = message
            self.recipients = recipients
        }
    }

    /// Decides the answer for a connection without a script; `nil` means it accepts.
    public typealias Rule = @Sendable (ConnectionID, OutboundMessage) -> SendFailure.Reason?

    private struct State: Sendable {
        var scripts: [ConnectionID: Script] = [:]
        var batches: [Batch] = []
        var attempts: [ConnectionID: [OutboundMessage]] = [:]
        var deliveries: [ConnectionID: [OutboundMessage]] = [:]
        var maxInFlightPerConnection: [ConnectionID: Int] = [:]
        var inFlightPerConnection: [ConnectionID: Int] = [:]
        var batchWatchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = StoreLock(State())
    private let rule: Rule?
    private let beforeSend: (@Sendable (Batch) async -> Void)?

    /// Creates a sender.
    ///
    /// - Parameters:
    ///   - rule: Answers for connections without a script; `nil` makes them accept everything.
    ///   - beforeSend: Awaited at the start of every batch, after it is recorded; a test can use it to
    ///     hold a batch in flight.
    public init(rule: Rule? = nil, beforeSend: (@Sendable (Batch) async -> Void)? = nil) {
        self.rule = rule
        self.beforeSend = beforeSend
    }

    /// Makes `connection` answer as `script` says from now on.
    public func script(_ connection: ConnectionID, as script: Script) {
        state.withLock { $0.scripts[connection] = script }
    }

    /// Records the batch, then answers for each recipient as scripted.
    public func send(_ message: OutboundMessage, to recipients: [ConnectionID]) async -> [SendFailure] {
        let batch = Batch(message: message, recipients: recipients)
        let watchers = state.withLock { state in
            state.batches.append(batch)
            for connection in recipients {
                let count = state.inFlightPerConnection[connection, default: 0] + 1
                state.inFlightPerConnection[connection] = count
                state.maxInFlightPerConnection[connection] = max(
                    count, state.maxInFlightPerConnection[connection, default: 0])
            }
            let total = state.batches.count
            let satisfied = state.batchWatchers.filter { $0.count <= total }.map(\.continuation)
            state.batchWatchers.removeAll { $0.count <= total }
            return satisfied
        }
        for watcher in watchers { watcher.resume() }
        if let beforeSend { await beforeSend(batch) }
        return state.withLock { state in
            var failures: [SendFailure] = []
            for connection in recipients {
                state.inFlightPerConnection[connection, default: 1] -= 1
                state.attempts[connection, default: []].append(message)
                let reason = Self.answer(for: connection, message: message, state: &state, rule: rule)
                if let reason {
                    failures.append(SendFailure(connection: connection, reason: reason))
                } else {
                    state.deliveries[connection, default: []].append(message)
                }
            }
            return failures
        }
    }

    private static func answer(
        for connection: ConnectionID,
        message: OutboundMessage,
        state: inout State,
        rule: Rule?
    ) -> SendFailure.Reason? {
        switch state.scripts[connection] {
        case nil: return rule?(connection, message)
        case .deliver: return nil
        case .gone: return .gone
        case .failAlways(let reason): return .failed(reason)
        case .failNext(let count, let reason):
            if count <= 1 {
                state.scripts[connection] = .deliver
            } else {
                state.scripts[connection] = .failNext(count - 1, reason: reason)
            }
            return count > 0 ? .failed(reason) : nil
        }
    }

    /// Every batch handed to the sender, oldest first.
    public var batches: [Batch] {
        state.withLock { $0.batches }
    }

    /// Returns once at least `count` batches have been handed to the sender (whether answered or not).
    ///
    /// It does not return on its own otherwise; give the test a time limit.
    public func waitForBatches(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.batches.count >= count { return true }
                state.batchWatchers.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Every message handed to the sender for `connection`, accepted or not, in order.
    public func attempts(to connection: ConnectionID) -> [OutboundMessage] {
        state.withLock { $0.attempts[connection] ?? [] }
    }

    /// The messages `connection` accepted, in the order it accepted them.
    public func deliveries(to connection: ConnectionID) -> [OutboundMessage] {
        state.withLock { $0.deliveries[connection] ?? [] }
    }

    /// Every connection that accepted at least one message.
    public var connectionsDeliveredTo: Set<ConnectionID> {
        state.withLock { Set($0.deliveries.keys) }
    }

    /// The most batches that were ever in flight at once for `connection`.
    ///
    /// The notifier sends to a connection one message at a time, so this is at most 1 for every
    /// connection when it keeps order.
    public func maxConcurrentSends(to connection: ConnectionID) -> Int {
        state.withLock { $0.maxInFlightPerConnection[connection] ?? 0 }
    }
}
