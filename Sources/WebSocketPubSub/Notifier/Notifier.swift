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
/// ## Order per connection, and no waiting on other entities
/// Messages reach each connection in the order their publishes were *admitted*, under retries too,
/// while publishes to different entities run side by side:
/// - Through an ``ImmediateConnectionSender`` (``SessionHub``), a publish puts the message on every
///   recipient's own outbound queue and returns; the queues keep each connection's order. Nothing is
///   retried: the sessions' ``SlowConsumerPolicy`` decides what a full queue means.
/// - Through any other sender, every recipient with a message in flight has a *lane*. A later publish
///   queues its message in the lane rather than sending it, and the next queued message is sent only
///   when the one before it is delivered, given up, or the connection is gone. No turn is shared
///   between connections: a send that takes a second holds up only the lanes it is in.
/// - A lane holds at most ``RetryPolicy/maxQueuedMessagesPerConnection`` queued messages. When full,
///   the **newest** message (the one arriving) is given up for that connection and reported failed:
///   the queued messages keep their order and the publisher hears of the loss at once, instead of a
///   message already promised a place being silently overtaken. At most
///   ``RetryPolicy/maxRetryingConnections`` lanes are retrying at once; a further transient failure
///   is given up at once. Together they bound memory and the number of concurrent retry sends
///   whatever the transport does.
/// - A recipient the sender reports ``SendFailure/Reason/heldElsewhere`` (another node's connection)
///   is counted in ``DeliveryReport/heldElsewhere`` and otherwise left alone.
///
/// ## Why a class with one lock, not an actor
/// A publish through a ``SessionHub`` takes no notifier lock at all, and one through another sender
/// takes it a few times for non-suspending steps; neither allocates per recipient beyond the
/// subscriber snapshot and the sender's answer: O(1) allocations per publish, however many
/// recipients. An actor would add executor hops to every publish and would hold no more safety: all
/// mutable state (lanes, unfinished publishes, the random generator) is one value behind one lock,
/// and no code suspends while holding it.
///
/// Time comes from an injected `Clock<Duration>` and jitter from an injected random number
/// generator, so tests drive retries with a manual clock and get repeatable delays.
public final class Notifier: Sendable {
    private struct State: Sendable {
        var delivery: DeliveryState
        var random: any RandomNumberGenerator & Sendable
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
    private let immediateSender: (any ImmediateConnectionSender)?
    private let observer: (any PubSubObserver)?
    private let clock: ElapsedClock
    /// Where envelope publishes are numbered before they are sent; `nil` keeps no history.
    public let history: (any HistoryStore)?
    private let entityTurns = EntityTurns()

    /// Creates a notifier.
    ///
    /// - Parameters:
    ///   - connections: Where gone connections are removed from.
    ///   - subscriptions: Where subscribers are looked up and gone connections' subscriptions removed.
    ///     A store that also adopts ``SubscriberSnapshotProviding`` is asked synchronously.
    ///   - sender: The host's transport.
    ///   - retryPolicy: How transient failures are retried; ``RetryPolicy/standard`` by default.
    ///   - history: Where every envelope publish (``publish(entityId:json:)`` and what builds on it)
    ///     is appended before it is sent, so that its envelope carries its offset and epoch; give the
    ///     gateway the same store. `nil` (the default) keeps no history.
    ///   - observer: Receives an event for every publish, gone recipient, retry, give-up and dead
    ///     letter; when `nil`, no event is built.
    ///   - clock: The clock retries wait on; tests pass a manual clock.
    ///   - random: The source of jitter; tests pass a seeded generator.
    public init(
        connections: any ConnectionStore,
        subscriptions: any SubscriptionStore,
        sender: any ConnectionSender,
        retryPolicy: RetryPolicy = .standard,
        history: (any HistoryStore)? = nil,
        observer: (any PubSubObserver)? = nil,
        clock: some Clock<Duration> = ContinuousClock(),
        random: some RandomNumberGenerator & Sendable = SystemRandomNumberGenerator()
    ) {
        self.connections = connections
        self.subscriptions = subscriptions
        self.snapshots = subscriptions as? any SubscriberSnapshotProviding
        self.sender = sender
        self.immediateSender = sender as? any ImmediateConnectionSender
        self.retryPolicy = retryPolicy
        self.history = history
        self.observer = observer
        self.clock = ElapsedClock(clock)
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
    /// ``OutboundMessage/entityEnvelope(entityId:json:)`` for how it is built. With a ``history``
    /// store, the message is appended first and the envelope carries its position,
    /// `{"entityId":"E","message":M,"offset":7,"epoch":"…"}` (``DeliveryReport/position``); publishes
    /// to one entity are then numbered and queued to its subscribers one at a time, so every
    /// subscriber receives the offsets in increasing order.
    ///
    /// - Throws: ``PublishError/historyAppendFailed(_:underlying:)`` when the history store threw;
    ///   nothing was sent then.
    public func publish(entityId: EntityID, json: some Collection<UInt8>) async throws(PublishError) -> DeliveryReport {
        guard let history else {
            return try await publish(entityId: entityId, message: .entityEnvelope(entityId: entityId, json: json))
        }
        let payload = Array(json)
        await entityTurns.acquire(entityId)
        let position: HistoryPosition
        let entered: Entered
        do throws(PublishError) {
            do {
                position = try await history.append(payload, to: entityId)
            } catch {
                throw PublishError.historyAppendFailed(entityId, underlying: error)
            }
            let message = OutboundMessage.entityEnvelope(entityId: entityId, json: payload, position: position)
            entered = try await enter(entityId: entityId, message: message)
        } catch {
            entityTurns.release(entityId)
            throw error
        }
        entityTurns.release(entityId)
        if let round = entered.firstRound { await run(round) }
        var report = await complete(entered.admitted)
        report.position = position
        return report
    }

    /// Publishes `event`: the same as ``publish(entityId:message:)``.
    public func publish(_ event: PublishEvent) async throws(PublishError) -> DeliveryReport {
        try await publish(entityId: event.entityId, message: event.message)
    }

    /// Looks up the recipients and hands them the message: queued at once through an immediate sender,
    /// or through lanes otherwise, whose first round is sent before returning.
    func admit(entityId: EntityID, message: OutboundMessage) async throws(PublishError) -> Admitted {
        let entered = try await enter(entityId: entityId, message: message)
        if let round = entered.firstRound { await run(round) }
        return entered.admitted
    }

    /// A publish whose message is on its recipients' queues or lanes, and the round to send first.
    struct Entered: Sendable {
        var admitted: Admitted
        var firstRound: DeliveryState.Round?
    }

    /// Looks up the recipients and queues the message for each (immediate sender) or admits it to
    /// their lanes; sends nothing through a lane yet. From here on, each recipient's order is set.
    private func enter(entityId: EntityID, message: OutboundMessage) async throws(PublishError) -> Entered {
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
        guard !recipients.isEmpty else { return Entered(admitted: Admitted(report: report, job: nil)) }
        if let immediateSender {
            let failures = immediateSender.enqueue(message, to: recipients)
            await settleImmediate(recipients, failures: failures, into: &report)
            return Entered(admitted: Admitted(report: report, job: nil))
        }

        let admittedAt = clock.now()
        let admission = state.withLock { state in
            state.delivery.admit(
                message: message, recipients: recipients, admittedAt: admittedAt, observing: observer != nil)
        }
        emit(admission.events)
        report.failedConnections = admission.failed
        let admitted = Admitted(report: report, job: admission.job)
        guard !admission.toSend.isEmpty else { return Entered(admitted: admitted) }
        return Entered(
            admitted: admitted,
            firstRound: DeliveryState.Round(
                job: admission.job, connections: admission.toSend, attempt: 1, due: admittedAt))
    }

    /// Counts what an immediate sender answered and removes the recipients it found gone.
    ///
    /// - Complexity: O(1) when every recipient took the message; O(*n*) otherwise.
    private func settleImmediate(
        _ recipients: [ConnectionID], failures: [SendFailure], into report: inout DeliveryReport
    )
        async
    {
        guard !failures.isEmpty else {
            report.delivered = recipients.count
            return
        }
        var reasons = DeliveryState.reasons(from: failures)
        var gone: [ConnectionID] = []
        for connection in recipients {
            switch reasons.removeValue(forKey: connection) {
            case nil:
                report.delivered += 1
            case .heldElsewhere:
                report.heldElsewhere += 1
            case .gone:
                gone.append(connection)
                observe(.deliveryGone(connection))
            case .failed(let reason):
                report.failedConnections.append(connection)
                observe(.deliveryFailed(connection, reason: reason))
            }
        }
        if !gone.isEmpty {
            report.goneConnections = gone
            report.cleanupFailedConnections = await removeGone(gone)
        }
    }

    /// Whether every recipient of an admitted publish has an outcome already, so that completing it
    /// will not wait.
    func isSettled(_ admitted: Admitted) -> Bool {
        guard let job = admitted.job else { return true }
        return state.withLock { $0.delivery.isComplete(job) }
    }

    /// Waits for the retries and queued sends of an admitted publish, then reports it.
    func complete(_ admitted: Admitted) async -> DeliveryReport {
        var report = admitted.report
        if let id = admitted.job {
            await waitForJob(id)
            if let job = state.withLock({ $0.delivery.removeJob(id) }) {
                report.delivered += job.delivered
                report.heldElsewhere += job.heldElsewhere
                report.goneConnections += job.gone
                report.failedConnections += job.failed
                report.cleanupFailedConnections += job.cleanupFailed
            }
        }
        report.gone = report.goneConnections.count
        report.failed = report.failedConnections.count
        if let observer {
            observer.observe(
                .published(report.entityId, delivered: report.delivered, gone: report.gone, failed: report.failed))
        }
        return report
    }

    /// How many connections are being retried now; for tests.
    var retryingConnectionCount: Int {
        state.withLock { $0.delivery.retryingLaneCount }
    }

    /// How many connections have a message in flight or being retried now; for tests.
    var laneCount: Int {
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

    private func emit(_ events: [PubSubEvent]) {
        guard let observer else { return }
        for event in events { observer.observe(event) }
    }

    /// Hands `event` to the observer, if there is one; the autoclosure builds nothing otherwise.
    func observe(_ event: @autoclosure () -> PubSubEvent) {
        observer?.observe(event())
    }
}
