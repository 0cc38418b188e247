public import Foundation

/// Removes connections that have been idle longer than a time-to-live, with their subscriptions.
///
/// Gateways deliver `$disconnect` only on a best-effort basis, and a server process can die
/// without running it, so records of connections that no longer exist would otherwise pile up. The
/// sweeper works through the ``ConnectionStore`` and ``SubscriptionStore`` protocols only, so it
/// serves every store, in memory or in a database.
///
/// Each sweep asks for idle connections in batches of ``batchSize``, so that one sweep never holds
/// a large result in memory or a database busy with one long query. A connection is removed first
/// from the connection store; if the record that comes back shows activity at or after the cutoff
/// (the client spoke between the listing and the removal), it is put back and kept. Its
/// subscriptions are removed after the record, so a record never outlives its subscriptions in
/// a way the sweeper could not find again; subscriptions left behind by a crash in between are
/// cleaned up by the notifier the first time a send reports the connection gone.
///
/// ```swift
/// let sweeper = IdleConnectionSweeper(
///     connections: connections, subscriptions: subscriptions, timeToLive: .seconds(600))
/// let sweepTask = Task { await sweeper.run(interval: .seconds(60)) }
/// // at shutdown:
/// sweepTask.cancel()
/// ```
public struct IdleConnectionSweeper: Sendable {
    /// The connection records to sweep.
    public let connections: any ConnectionStore
    /// The subscriptions removed with each swept connection.
    public let subscriptions: any SubscriptionStore
    /// How long a connection may stay silent before it is swept.
    public let timeToLive: Duration
    /// How many idle connections one store query asks for.
    public let batchSize: Int
    /// Receives ``PubSubEvent/connectionsSwept(count:)`` after each sweep that removed something.
    public let observer: (any PubSubObserver)?

    /// Creates a sweeper.
    ///
    /// - Parameters:
    ///   - connections: The connection records to sweep.
    ///   - subscriptions: The subscriptions removed with each swept connection.
    ///   - timeToLive: How long a connection may stay silent before it is swept; must be positive.
    ///     Choose it well above the clients' heartbeat interval.
    ///   - batchSize: How many idle connections one store query asks for; must be positive.
    ///   - observer: Told how many connections each sweep removed.
    public init(
        connections: any ConnectionStore,
        subscriptions: any SubscriptionStore,
        timeToLive: Duration,
        batchSize: Int = 500,
        observer: (any PubSubObserver)? = nil
    ) {
        precondition(timeToLive > .zero, "IdleConnectionSweeper: timeToLive must be positive, got \(timeToLive)")
        precondition(batchSize > 0, "IdleConnectionSweeper: batchSize must be positive, got \(batchSize)")
        self.connections = connections
        self.subscriptions = subscriptions
        self.timeToLive = timeToLive
        self.batchSize = batchSize
        self.observer = observer
    }

    /// The cutoff a sweep at `now` uses: connections last active strictly before it are idle.
    public func cutoff(now: Date) -> Date {
        let parts = timeToLive.components
        let seconds = Double(parts.seconds) + Double(parts.attoseconds) / 1e18
        return now.addingTimeInterval(-seconds)
    }

    /// Removes every connection idle at `now`, with its subscriptions; returns how many were removed.
    ///
    /// Stops early, without error, when the task is cancelled between batches, and when a batch
    /// removes nothing (a store that lists connections it then cannot remove must not make the
    /// sweep spin).
    ///
    /// - Throws: Whatever the stores throw; connections removed before the error stay removed.
    /// - Complexity: One idle query per batch, then one `remove` and one `removeAll` per idle connection.
    public func sweep(now: Date) async throws -> Int {
        let cutoff = cutoff(now: now)
        var swept = 0
        defer {
            if swept > 0 { observer?.observe(.connectionsSwept(count: swept)) }
        }
        while !Task.isCancelled {
            let idle = try await connections.idleConnections(lastActiveBefore: cutoff, limit: batchSize)
            var progressed = false
            for id in idle {
                guard let record = try await connections.remove(id) else {
                    // Gone already (a `$disconnect` got there first); make sure nothing of it remains.
                    try await subscriptions.removeAll(for: id)
                    progressed = true
                    continue
                }
                if record.lastActiveAt >= cutoff {
                    // Touched after it was listed: the client is alive after all.
                    try await connections.insert(record)
                    continue
                }
                try await subscriptions.removeAll(for: id)
                swept += 1
                progressed = true
            }
            if idle.count < batchSize || !progressed { break }
        }
        return swept
    }

    /// Sweeps now and then every `interval` of `clock`, until the task is cancelled.
    ///
    /// A failed sweep does not end the loop (a database may be briefly unreachable): its error goes
    /// to `onError` and the next sweep runs on schedule.
    ///
    /// - Parameters:
    ///   - interval: The time between the end of one sweep and the start of the next.
    ///   - clock: The clock to sleep on; tests pass one they control.
    ///   - now: The wall-clock time each sweep compares `lastActiveAt` against.
    ///   - onError: Called with each error a sweep throws.
    public func run<C: Clock<Duration>>(
        interval: Duration,
        clock: C = ContinuousClock(),
        now: @Sendable () -> Date = { Date() },
        onError: @Sendable (any Error) -> Void = { _ in }
    ) async {
        while !Task.isCancelled {
            do {
                _ = try await sweep(now: now())
            } catch is CancellationError {
                return
            } catch {
                onError(error)
            }
            do {
                try await clock.sleep(for: interval)
            } catch {
                return
            }
        }
    }
}
