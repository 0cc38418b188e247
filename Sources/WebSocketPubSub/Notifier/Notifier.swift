/// Delivers published messages to every connection subscribed to an entity.
///
/// A publish looks up the entity's subscribers, hands the message to the ``ConnectionSender`` once for
/// all of them (so a WebSocket host frames it once), removes recipients that are gone together with
/// their subscriptions, retries recipients that failed transiently under a ``RetryPolicy``, and returns
/// a ``DeliveryReport``.
///
/// ```swift
/// let notifier = Notifier(connections: connections, subscriptions: subscriptions, sender: transport)
/// let report = try await notifier.publish(entityId: game, json: Array(#"{"score":3}"#.utf8))
/// print(report.delivered, report.gone, report.failed)
/// ```
///
/// ## Delivery semantics
/// - **At most once to a live connection.** A message is handed to a connection's transport until the
///   transport accepts it once, never again after that; it may be lost if the connection drops after
///   accepting it. `delivered` means *accepted by the transport* (written or queued), not read.
/// - **Gone recipients** (``SendFailure/Reason/gone``) are removed from the ``ConnectionStore`` and all
///   their subscriptions from the ``SubscriptionStore``, and never retried.
/// - **Transient failures** are retried with exponential backoff and jitter. A recipient is given up
///   (reported failed) after ``RetryPolicy/maxAttempts`` tries, or as soon as its next try would fall
///   after the publish's ``RetryPolicy/deadline``.
/// - `publish` returns when every recipient has an outcome, so its duration is bounded by the deadline
///   plus one send. It is not cancellable once sent: the retries it started would otherwise have no
///   one to report to.
///
/// ## Order per connection
/// Messages reach each connection in the order their publishes were *admitted*, under retries too:
/// - Batches are handed to the sender one at a time, in admission order (the notifier's send turn), so
///   no two messages are ever in flight to one connection at once. Retries run beside later batches.
/// - A connection that fails transiently gets a retry *lane*. While it has one, later publishes queue
///   their message in the lane rather than sending it in their batch; the next queued message is sent
///   only when the one before it is delivered, given up, or the connection is gone.
/// - A lane holds at most ``RetryPolicy/maxQueuedMessagesPerConnection`` queued messages. When full,
///   the **newest** message (the one arriving) is given up for that connection and reported failed:
///   the queued messages keep their order and the publisher hears of the loss at once, instead of a
///   message already promised a place being silently overtaken. At most
///   ``RetryPolicy/maxRetryingConnections`` lanes exist at once; a further transient failure is given
///   up at once. Together they bound memory and the number of concurrent retry sends whatever the
///   transport does.
///
/// ## Why a class with one lock, not an actor
/// A publish whose recipients all accept takes the lock twice for a few non-suspending steps and
/// allocates nothing beyond the subscriber snapshot and the sender's answer: O(1) allocations per
/// publish, however many recipients. An actor would add executor hops to every publish and would
/// hold no more safety: all mutable state (lanes, unfinished publishes, the send turn, the random
/// generator) is one value behind one lock, and no code suspends while holding it.
///
/// Time comes from an injected `Clock<Duration>` and jitter from an injected random number
/// generator, so tests drive retries with a manual clock and get repeatable delays.
public final class Notifier: Sendable {
    private struct State: Sendable {
        var delivery: DeliveryState
        var random: any RandomNumberGenerator & Sendable
        var sending = false
        var turnQueue: [CheckedContinuation<Void, Never>] = []
        var turnQueueHead = 0
        var jobWaiters: [DeliveryState.JobID: CheckedContinuation<Void, Never>] = [:]
    }

    /// What a publish has done by the time its batch is sent: the outcomes known so far, and the job
    /// to wait for when some recipients are queued or retrying.
    struct Admitted: Sendable {
        var report: DeliveryReport
        var job: DeliveryState.JobID?
    }

    /// How this notifier retries, and the limits on what it holds while retrying.
    public let retryPolicy: RetryPolicy

    private let state: StoreLock<State>
    private let connections: any ConnectionStore
    private let subscriptions: any SubscriptionStore
    private let snapshots: (any SubscriberSnapshotProviding)?
    private let sender: any ConnectionSender
    private let observer: (any PubSubObserver)?
    private let clock: NotifierClock

    /// Creates a notifier.
    ///
    /// - Parameters:
    ///   - connections: Where gone connections are removed from.
    ///   - subscriptions: Where subscribers are looked up and gone connections' subscriptions removed.
    ///     A store that also adopts ``SubscriberSnapshotProviding`` is asked synchronously.
    ///   - sender: The host's transport.
    ///   - retryPolicy: How transient failures are retried; ``RetryPolicy/standard`` by default.
    ///   - observer: Receives an event for every publish, gone recipient, retry, give-up and dead
    ///     letter; when `nil`, no event is built.
    ///   - clock: The clock retries wait on; tests pass a manual clock.
    ///   - random: The source of jitter; tests pass a seeded generator.
    public init(
        connections: any ConnectionStore,
        subscriptions: any SubscriptionStore,
        sender: any ConnectionSender,
        retryPolicy: RetryPolicy = .standard,
        observer: (any PubSubObserver)? = nil,
        clock: some Clock<Duration> = ContinuousClock(),
        random: some RandomNumberGenerator & Sendable = SystemRandomNumberGenerator()
    ) {
        self.connections = connections
        self.subscriptions = subscriptions
        self.snapshots = subscriptions as? any SubscriberSnapshotProviding
        self.sender = sender
        self.retryPolicy = retryPolicy
        self.observer = observer
        self.clock = NotifierClock(clock)
        self.state = StoreLock(State(delivery: DeliveryState(policy: retryPolicy), random: random))
    }

    // MARK: - Publishing

    /// Sends `message` to every connection subscribed to `entityId` and reports what happened.
    ///
    /// The message is handed to the sender as it is, once for all recipients not waiting behind a retry.
    ///
    /// - Returns: Once every recipient has been delivered to, found gone, or given up.
    /// - Throws: ``PublishError/subscriberLookupFailed(_:underlying:)`` when the subscription store
    ///   throws; nothing was sent then.
    public func publish(entityId: EntityID, message: OutboundMessage) async throws(PublishError) -> DeliveryReport {
        let admitted = try await admit(entityId: entityId, message: message)
        return await complete(admitted)
    }

    /// Sends the envelope `{"entityId":"E","message":M}`, M being `json`, to every subscriber of `entityId`.
    ///
    /// This is the message the example server's `POST /events` delivers; see
    /// ``OutboundMessage/entityEnvelope(entityId:json:)`` for how it is built.
    public func publish(entityId: EntityID, json: some Collection<UInt8>) async throws(PublishError) -> DeliveryReport {
        try await publish(entityId: entityId, message: .entityEnvelope(entityId: entityId, json: json))
    }

    /// Publishes `event`: the same as ``publish(entityId:message:)``.
    public func publish(_ event: PublishEvent) async throws(PublishError) -> DeliveryReport {
        try await publish(entityId: event.entityId, message: event.message)
    }

    /// Looks up the recipients, sends the batch in this publish's turn, and starts the retries.
    func admit(entityId: EntityID, message: OutboundMessage) async throws(PublishError) -> Admitted {
        let recipients: [ConnectionID]
        if let snapshots {
            recipients = snapshots.subscriberSnapshot(of: entityId)
        } else {
            do {
                recipients = try await subscriptions.subscribers(of: entityId)
            } catch {
                throw .subscriberLookupFailed(entityId, underlying: error)
            }
        }
        var report = DeliveryReport(entityId: entityId, recipients: recipients.count, delivered: 0)
        guard !recipients.isEmpty else { return Admitted(report: report, job: nil) }

        let observing = observer != nil
        await acquireTurn()
        let admittedAt = clock.now()
        let admission = state.withLock { state in
            state.delivery.admit(
                message: message, recipients: recipients, admittedAt: admittedAt, observing: observing)
        }
        let failures = admission.toSend.isEmpty ? [] : await sender.send(message, to: admission.toSend)
        let now = failures.isEmpty ? admittedAt : clock.now()
        let outcome = state.withLock { state in
            state.delivery.finishBatch(
                admission.toSend, job: admission.job, message: message, admittedAt: admittedAt,
                failures: failures, now: now, random: &state.random, observing: observing)
        }
        releaseTurn()

        startRounds(outcome.rounds)
        emit(admission.events)
        emit(outcome.events)
        report.delivered = outcome.delivered
        if !admission.failed.isEmpty || !outcome.failed.isEmpty {
            report.failedConnections = admission.failed + outcome.failed
        }
        if !outcome.gone.isEmpty {
            report.goneConnections = outcome.gone
            report.cleanupFailedConnections = await removeGone(outcome.gone)
        }
        return Admitted(report: report, job: outcome.job)
    }

    /// Waits for the retries and queued sends of an admitted publish, then reports it.
    func complete(_ admitted: Admitted) async -> DeliveryReport {
        var report = admitted.report
        if let id = admitted.job {
            await waitForJob(id)
            if let job = state.withLock({ $0.delivery.removeJob(id) }) {
                report.delivered += job.delivered
                report.goneConnections += job.gone
                report.failedConnections += job.failed
                report.cleanupFailedConnections += job.cleanupFailed
            }
        }
        if let observer {
            observer.observe(
                .published(report.entityId, delivered: report.delivered, gone: report.gone, failed: report.failed))
        }
        return report
    }

    /// How many connections are being retried now; for tests.
    var retryingConnectionCount: Int {
        state.withLock { $0.delivery.lanes.count }
    }

    /// How many publishes are waiting for retries or queued sends now; for tests.
    var unfinishedPublishCount: Int {
        state.withLock { $0.delivery.jobs.count }
    }

    // MARK: - Retries

    private func startRounds(_ rounds: [DeliveryState.Round]) {
        for round in rounds {
            Task { await self.run(round) }
        }
    }

    /// Sends one round when it is due, then records the answer and starts whatever follows from it.
    private func run(_ round: DeliveryState.Round) async {
        if round.due > clock.now() {
            // Round tasks are never cancelled; should the clock throw anyway, sending early is harmless.
            try? await clock.sleep(round.due)
        }
        guard let message = state.withLock({ $0.delivery.message(of: round.job) }) else { return }
        let failures = await sender.send(message, to: round.connections)
        var cleanupFailed: Set<ConnectionID> = []
        if failures.contains(where: { $0.reason == .gone }) {
            let members = Set(round.connections)
            var gone: [ConnectionID] = []
            for failure in failures where failure.reason == .gone && members.contains(failure.connection) {
                gone.append(failure.connection)
            }
            cleanupFailed = Set(await removeGone(gone))
        }
        let now = clock.now()
        let observing = observer != nil
        let (outcome, waiters) = state.withLock { state in
            let outcome = state.delivery.finishRound(
                round, failures: failures, cleanupFailed: cleanupFailed, now: now, random: &state.random,
                observing: observing)
            let waiters = outcome.completedJobs.compactMap { state.jobWaiters.removeValue(forKey: $0) }
            return (outcome, waiters)
        }
        for waiter in waiters { waiter.resume() }
        startRounds(outcome.rounds)
        emit(outcome.events)
    }

    private func waitForJob(_ job: DeliveryState.JobID) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state in
                if state.delivery.isComplete(job) { return true }
                state.jobWaiters[job] = continuation
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// Removes gone connections and their subscriptions; returns those whose removal threw.
    private func removeGone(_ gone: [ConnectionID]) async -> [ConnectionID] {
        var failed: [ConnectionID] = []
        for connection in gone {
            var removed = true
            do { try await connections.remove(connection) } catch { removed = false }
            do { try await subscriptions.removeAll(for: connection) } catch { removed = false }
            if !removed { failed.append(connection) }
        }
        return failed
    }

    // MARK: - Send turn

    /// Waits until no other batch is being handed to the sender; turns are granted first come, first served.
    private func acquireTurn() async {
        let granted = state.withLock { state in
            if state.sending { return false }
            state.sending = true
            return true
        }
        if granted { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { state in
                if !state.sending {
                    state.sending = true
                    return true
                }
                state.turnQueue.append(continuation)
                return false
            }
            if granted { continuation.resume() }
        }
    }

    /// Passes the turn to the longest-waiting publish, or frees it.
    private func releaseTurn() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.turnQueueHead < state.turnQueue.count else {
                state.sending = false
                return nil
            }
            let next = state.turnQueue[state.turnQueueHead]
            state.turnQueueHead += 1
            // Drop granted entries once they are half the array, so that sustained contention
            // cannot grow it: O(1) amortized per turn.
            if state.turnQueueHead == state.turnQueue.count {
                state.turnQueue.removeAll(keepingCapacity: state.turnQueue.count <= 64)
                state.turnQueueHead = 0
            } else if state.turnQueueHead >= 32 && state.turnQueueHead * 2 >= state.turnQueue.count {
                state.turnQueue.removeFirst(state.turnQueueHead)
                state.turnQueueHead = 0
            }
            return next
        }
        next?.resume()
    }

    private func emit(_ events: [PubSubEvent]) {
        guard let observer else { return }
        for event in events { observer.observe(event) }
    }

    /// Hands `event` to the observer, if there is one; the autoclosure builds nothing otherwise.
    func observe(_ event: @autoclosure () -> PubSubEvent) {
        observer?.observe(event())
    }
}
