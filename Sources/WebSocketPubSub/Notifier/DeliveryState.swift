/// The notifier's bookkeeping of retries: which connections are being retried, which later messages
/// wait behind them, and what each unfinished publish has achieved so far.
///
/// A pure state machine: the ``Notifier`` calls it under its lock with what the transport answered and
/// the current time, and carries out the returned actions (send rounds, observer events) outside the lock.
///
/// ## Lanes
/// A connection that failed transiently gets a *lane*: the message being retried (its head) and the
/// later messages queued behind it, oldest first. While a connection has a lane, new publishes queue
/// their message in the lane instead of sending it in their batch; each lane has exactly one message
/// in flight, and the next one is handed the lane only when the head is delivered, given up, or the
/// connection is gone. That is what keeps per-connection order under retries.
struct DeliveryState: Sendable {
    /// Identifies one publish that has recipients in lanes.
    typealias JobID = UInt64

    /// One send of a job's message to some of its lane connections, due at a point in time.
    struct Round: Hashable, Sendable {
        /// The publish whose message is sent.
        var job: JobID
        /// Connections whose lane head is this job's message.
        var connections: [ConnectionID]
        /// Which try of this message this send is for these connections (1 is the first).
        var attempt: Int
        /// When to send, as an offset on the notifier's clock.
        var due: Duration
    }

    /// A publish with recipients in lanes, and what happened to those recipients so far.
    struct Job: Hashable, Sendable {
        var message: OutboundMessage
        /// The last instant at which the message may still be tried.
        var deadline: Duration
        /// Lane recipients whose outcome is not known yet.
        var outstanding = 0
        var delivered = 0
        var gone: [ConnectionID] = []
        var failed: [ConnectionID] = []
        var cleanupFailed: [ConnectionID] = []
    }

    /// A connection being retried: the message in flight or waiting to be retried, and the later ones.
    struct Lane: Hashable, Sendable {
        var head: JobID
        var queue: [JobID] = []
    }

    /// What ``admit(message:recipients:admittedAt:observing:)`` decided.
    struct Admission: Hashable, Sendable {
        /// Recipients to send to in this publish's batch: all of them unless some have lanes.
        var toSend: [ConnectionID]
        /// Set when recipients were queued behind retries.
        var job: JobID?
        /// Recipients given up at once because their lane's queue was full.
        var failed: [ConnectionID] = []
        var events: [PubSubEvent] = []
    }

    /// What ``finishBatch(_:job:message:admittedAt:failures:now:random:observing:)`` decided.
    struct BatchOutcome: Hashable, Sendable {
        var delivered: Int
        /// Recipients the transport reported gone; the caller removes them from the stores.
        var gone: [ConnectionID] = []
        /// Recipients given up at once.
        var failed: [ConnectionID] = []
        /// Set when recipients were queued or are being retried: wait for it to complete.
        var job: JobID?
        /// Retries to schedule.
        var rounds: [Round] = []
        var events: [PubSubEvent] = []
    }

    /// What ``finishRound(_:failures:cleanupFailed:now:random:observing:)`` decided.
    struct RoundOutcome: Hashable, Sendable {
        /// Sends to schedule: retries, and later messages whose turn has come.
        var rounds: [Round] = []
        /// Jobs whose every lane recipient now has an outcome.
        var completedJobs: [JobID] = []
        var events: [PubSubEvent] = []
    }

    private enum Outcome {
        case delivered
        case gone(cleanupFailed: Bool)
        case failed
    }

    static let queueFullReason = "too many messages were waiting behind this connection's retry; the newest was dropped"
    static let capacityReason = "too many connections are being retried; this one was given up at once"
    static let expiredWhileQueuedReason = "the deadline passed while the message waited behind an earlier one"

    let policy: RetryPolicy
    private(set) var lanes: [ConnectionID: Lane] = [:]
    private(set) var jobs: [JobID: Job] = [:]
    private var nextJobID: JobID = 0

    init(policy: RetryPolicy) {
        self.policy = policy
    }

    // MARK: - Publishing

    /// Splits a publish's recipients into those sent in its batch and those queued behind a retry.
    ///
    /// - Complexity: O(1) while no connection is being retried; otherwise O(*n*) lookups, *n* the
    ///   number of recipients.
    mutating func admit(
        message: OutboundMessage,
        recipients: [ConnectionID],
        admittedAt: Duration,
        observing: Bool
    ) -> Admission {
        guard !lanes.isEmpty, recipients.contains(where: { lanes[$0] != nil }) else {
            return Admission(toSend: recipients)
        }
        var admission = Admission(toSend: [])
        admission.toSend.reserveCapacity(recipients.count)
        let queueLimit = policy.effectiveQueueLimit
        for connection in recipients {
            guard var lane = lanes[connection] else {
                admission.toSend.append(connection)
                continue
            }
            // A full queue drops the newest message, the one arriving now: the messages already
            // queued keep their order, and this publish learns of the loss at once.
            guard lane.queue.count < queueLimit else {
                admission.failed.append(connection)
                if observing { admission.events.append(.deliveryFailed(connection, reason: Self.queueFullReason)) }
                continue
            }
            let job = admission.job ?? makeJob(message: message, admittedAt: admittedAt)
            admission.job = job
            lane.queue.append(job)
            lanes[connection] = lane
            jobs[job]?.outstanding += 1
        }
        return admission
    }

    /// Records what the transport answered for a publish's batch, and opens lanes for transient failures.
    ///
    /// - Complexity: O(1) when `failures` is empty; O(*n*) otherwise.
    mutating func finishBatch(
        _ sent: [ConnectionID],
        job: JobID?,
        message: OutboundMessage,
        admittedAt: Duration,
        failures: [SendFailure],
        now: Duration,
        random: inout some RandomNumberGenerator,
        observing: Bool
    ) -> BatchOutcome {
        guard !failures.isEmpty else { return BatchOutcome(delivered: sent.count, job: job) }
        var outcome = BatchOutcome(delivered: 0, job: job)
        var reasons = Self.reasons(from: failures)
        var retryDue: Duration?
        var retrying: [ConnectionID] = []
        for connection in sent {
            guard let reason = reasons.removeValue(forKey: connection) else {
                outcome.delivered += 1
                continue
            }
            let text: String
            switch reason {
            case .gone:
                outcome.gone.append(connection)
                if observing { outcome.events.append(.deliveryGone(connection)) }
                continue
            case .failed(let failure):
                text = failure
            }
            var giveUpReason: String? = nil
            if policy.effectiveMaxAttempts <= 1 {
                giveUpReason = text
            } else if lanes.count >= policy.effectiveRetryingLimit {
                giveUpReason = Self.capacityReason
            } else {
                let due = retryDue ?? now + nextDelay(afterFailedAttempts: 1, random: &random)
                retryDue = due
                if due > admittedAt + policy.effectiveDeadline { giveUpReason = text }
            }
            if let giveUpReason {
                outcome.failed.append(connection)
                if observing { outcome.events.append(.deliveryFailed(connection, reason: giveUpReason)) }
                continue
            }
            let owner = outcome.job ?? makeJob(message: message, admittedAt: admittedAt)
            outcome.job = owner
            lanes[connection] = Lane(head: owner)
            jobs[owner]?.outstanding += 1
            retrying.append(connection)
            if observing { outcome.events.append(.deliveryRetried(connection, attempt: 2, reason: text)) }
        }
        if let owner = outcome.job, let retryDue, !retrying.isEmpty {
            outcome.rounds.append(Round(job: owner, connections: retrying, attempt: 2, due: retryDue))
        }
        return outcome
    }

    // MARK: - Rounds

    /// The message a round sends, or `nil` if its job is unknown.
    func message(of job: JobID) -> OutboundMessage? {
        jobs[job]?.message
    }

    /// Records what the transport answered for a round, and hands each finished lane to its next message.
    ///
    /// `cleanupFailed` lists gone connections whose removal from a store threw.
    ///
    /// - Complexity: O(*n* + *q*), *n* the round's connections, *q* the queued messages given up or gone.
    mutating func finishRound(
        _ round: Round,
        failures: [SendFailure],
        cleanupFailed: Set<ConnectionID>,
        now: Duration,
        random: inout some RandomNumberGenerator,
        observing: Bool
    ) -> RoundOutcome {
        var outcome = RoundOutcome()
        var reasons = failures.isEmpty ? [:] : Self.reasons(from: failures)
        var handoffs: [JobID: [ConnectionID]] = [:]
        var handoffOrder: [JobID] = []
        var retrying: [ConnectionID] = []
        var retryDue: Duration?
        let deadline = jobs[round.job]?.deadline ?? now
        for connection in round.connections {
            // A connection whose lane another message heads is not this round's to settle.
            guard lanes[connection]?.head == round.job else { continue }
            switch reasons.removeValue(forKey: connection) {
            case nil:
                resolve(round.job, connection, .delivered, completed: &outcome.completedJobs)
                advanceLane(
                    connection, now: now, handoffs: &handoffs, order: &handoffOrder, outcome: &outcome, observing)
            case .gone:
                let failedCleanup = cleanupFailed.contains(connection)
                if observing { outcome.events.append(.deliveryGone(connection)) }
                let lane = lanes.removeValue(forKey: connection)
                resolve(round.job, connection, .gone(cleanupFailed: failedCleanup), completed: &outcome.completedJobs)
                for queued in lane?.queue ?? [] {
                    resolve(queued, connection, .gone(cleanupFailed: failedCleanup), completed: &outcome.completedJobs)
                }
            case .failed(let text):
                var giveUp = round.attempt >= policy.effectiveMaxAttempts
                if !giveUp {
                    let due = retryDue ?? now + nextDelay(afterFailedAttempts: round.attempt, random: &random)
                    retryDue = due
                    giveUp = due > deadline
                }
                if giveUp {
                    if observing { outcome.events.append(.deliveryFailed(connection, reason: text)) }
                    resolve(round.job, connection, .failed, completed: &outcome.completedJobs)
                    advanceLane(
                        connection, now: now, handoffs: &handoffs, order: &handoffOrder, outcome: &outcome, observing)
                } else {
                    retrying.append(connection)
                    if observing {
                        outcome.events.append(.deliveryRetried(connection, attempt: round.attempt + 1, reason: text))
                    }
                }
            }
        }
        if let retryDue, !retrying.isEmpty {
            outcome.rounds.append(
                Round(job: round.job, connections: retrying, attempt: round.attempt + 1, due: retryDue))
        }
        for job in handoffOrder {
            outcome.rounds.append(Round(job: job, connections: handoffs[job] ?? [], attempt: 1, due: now))
        }
        return outcome
    }

    // MARK: - Jobs

    /// Whether every lane recipient of `job` has an outcome (an unknown job counts as complete).
    func isComplete(_ job: JobID) -> Bool {
        (jobs[job]?.outstanding ?? 0) == 0
    }

    /// Forgets a job and returns what it recorded.
    mutating func removeJob(_ job: JobID) -> Job? {
        jobs.removeValue(forKey: job)
    }

    // MARK: - Helpers

    private mutating func makeJob(message: OutboundMessage, admittedAt: Duration) -> JobID {
        nextJobID &+= 1
        jobs[nextJobID] = Job(message: message, deadline: admittedAt + policy.effectiveDeadline)
        return nextJobID
    }

    private func nextDelay(afterFailedAttempts attempts: Int, random: inout some RandomNumberGenerator) -> Duration {
        let fraction = policy.effectiveJitter > 0 ? Double.random(in: 0..<1, using: &random) : 0
        return policy.delay(afterFailedAttempts: attempts, randomFraction: fraction)
    }

    /// The first reason reported for each connection; later duplicates are ignored.
    private static func reasons(from failures: [SendFailure]) -> [ConnectionID: SendFailure.Reason] {
        var reasons: [ConnectionID: SendFailure.Reason] = [:]
        reasons.reserveCapacity(failures.count)
        for failure in failures where reasons[failure.connection] == nil {
            reasons[failure.connection] = failure.reason
        }
        return reasons
    }

    private mutating func resolve(_ id: JobID, _ connection: ConnectionID, _ result: Outcome, completed: inout [JobID])
    {
        guard jobs[id] != nil else { return }
        switch result {
        case .delivered:
            jobs[id]?.delivered += 1
        case .gone(let cleanupFailed):
            jobs[id]?.gone.append(connection)
            if cleanupFailed { jobs[id]?.cleanupFailed.append(connection) }
        case .failed:
            jobs[id]?.failed.append(connection)
        }
        jobs[id]?.outstanding -= 1
        if jobs[id]?.outstanding == 0 { completed.append(id) }
    }

    /// Gives `connection`'s lane to its next queued message that is still within its deadline, or
    /// closes the lane when none is left.
    private mutating func advanceLane(
        _ connection: ConnectionID,
        now: Duration,
        handoffs: inout [JobID: [ConnectionID]],
        order: inout [JobID],
        outcome: inout RoundOutcome,
        _ observing: Bool
    ) {
        guard var lane = lanes[connection] else { return }
        while !lane.queue.isEmpty {
            let next = lane.queue.removeFirst()
            if let job = jobs[next], now <= job.deadline {
                lane.head = next
                lanes[connection] = lane
                if handoffs[next] == nil { order.append(next) }
                handoffs[next, default: []].append(connection)
                return
            }
            if observing {
                outcome.events.append(.deliveryFailed(connection, reason: Self.expiredWhileQueuedReason))
            }
            resolve(next, connection, .failed, completed: &outcome.completedJobs)
        }
        lanes[connection] = nil
    }
}
