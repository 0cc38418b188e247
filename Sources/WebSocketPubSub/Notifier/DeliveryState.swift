/// The notifier's bookkeeping of deliveries through a transport that may suspend: which connections have
/// a message in flight or being retried, which later messages wait behind them, and what each unfinished
/// publish has achieved so far.
///
/// A pure state machine: the ``Notifier`` calls it under its lock with what the transport answered and
/// the current time, and carries out the returned actions (send rounds, observer events) outside the lock.
///
/// ## Lanes
/// A connection with a message in flight has a *lane*: that message (its head, being sent or waiting
/// to be retried) and the later messages queued behind it, oldest first. While a connection has a lane,
/// new publishes queue their message in the lane instead of sending it in their batch; each lane has
/// exactly one message in flight, and the next one is handed the lane only when the head is delivered,
/// given up, or the connection is gone. That keeps per-connection order under retries and under
/// concurrent publishes, without any turn shared between connections: publishes to different
/// entities proceed side by side.
///
/// ## No lanes while one publish is alone
/// Lanes cost a hash insertion per recipient to open and a probe to close. While no lane exists, a
/// publish is sent without any: it is remembered as the *unlaned* batch. A second publish admitted
/// while it is in flight first gives the unlaned batch's recipients their lanes (heads: that batch),
/// and a failure in its round does the same before it is settled; a batch that is delivered alone, the
/// common case, never touches the lane table.
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
        var heldElsewhere = 0
        var gone: [ConnectionID] = []
        var failed: [ConnectionID] = []
        var cleanupFailed: [ConnectionID] = []
    }

    /// A connection with a message in flight or waiting to be retried (the head), and the later ones.
    struct Lane: Hashable, Sendable {
        enum Admission {
            case sendNow
            case queued
            case queueFull
        }

        var head: JobID
        var queue: [JobID] = []
        /// Whether the head failed at least once: such lanes count against the retrying limit.
        var retrying = false

        /// Takes a new publish's message: a lane just created for it sends it now; otherwise it waits.
        mutating func admit(_ job: JobID, queueLimit: Int) -> Admission {
            if head == job { return .sendNow }
            guard queue.count < queueLimit else { return .queueFull }
            queue.append(job)
            return .queued
        }

        /// Whether the lane ends with its head: nothing waits behind it and it was never retried.
        var endsWithHead: Bool { queue.isEmpty && !retrying }
    }

    /// What ``admit(message:recipients:admittedAt:observing:)`` decided.
    struct Admission: Hashable, Sendable {
        /// Recipients to send to in this publish's first round: all of them unless some have lanes.
        var toSend: [ConnectionID]
        /// The publish's job: wait for it to complete.
        var job: JobID
        /// Recipients given up at once because their lane's queue was full.
        var failed: [ConnectionID] = []
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
        case heldElsewhere
        case gone(cleanupFailed: Bool)
        case failed
    }

    static let queueFullReason = "too many messages were waiting behind this connection's retry; the newest was dropped"
    static let capacityReason = "too many connections are being retried; this one was given up at once"
    static let expiredWhileQueuedReason = "the deadline passed while the message waited behind an earlier one"

    let policy: RetryPolicy
    private(set) var lanes: [ConnectionID: Lane] = [:]
    private(set) var jobs: [JobID: Job] = [:]
    /// Lanes whose head failed at least once.
    private(set) var retryingLaneCount = 0
    private var nextJobID: JobID = 0
    /// The publish in flight without lanes, and its recipients (each is in flight).
    private var unlaned: (job: JobID, recipients: [ConnectionID])?

    init(policy: RetryPolicy) {
        self.policy = policy
    }

    // MARK: - Publishing

    /// Opens a job for a publish and gives each recipient a lane: the message is in flight at once to
    /// recipients without one, and queued behind the message in flight to the others.
    ///
    /// - Complexity: O(*n*) lane lookups and insertions, *n* the number of recipients.
    mutating func admit(
        message: OutboundMessage,
        recipients: [ConnectionID],
        admittedAt: Duration,
        observing: Bool
    ) -> Admission {
        let job = makeJob(message: message, admittedAt: admittedAt)
        if lanes.isEmpty && unlaned == nil {
            jobs[job]?.outstanding = recipients.count
            unlaned = (job, recipients)
            return Admission(toSend: recipients, job: job)
        }
        openUnlanedLanes()
        var admission = Admission(toSend: [], job: job)
        admission.toSend.reserveCapacity(recipients.count)
        let queueLimit = policy.effectiveQueueLimit
        var outstanding = 0
        for connection in recipients {
            // One hash probe per recipient: the lane is created with this job as its head when the
            // connection had none, which `admit` reads as "send now".
            switch lanes[connection, default: Lane(head: job)].admit(job, queueLimit: queueLimit) {
            case .sendNow:
                admission.toSend.append(connection)
                outstanding += 1
            case .queued:
                outstanding += 1
            case .queueFull:
                // A full queue drops the newest message, the one arriving now: the messages already
                // queued keep their order, and this publish learns of the loss at once.
                admission.failed.append(connection)
                if observing { admission.events.append(.deliveryFailed(connection, reason: Self.queueFullReason)) }
            }
        }
        jobs[job]?.outstanding = outstanding
        return admission
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
        if let batch = unlaned, batch.job == round.job {
            unlaned = nil
            if failures.isEmpty {
                resolve(round.job, delivered: round.connections.count, completed: &outcome.completedJobs)
                return outcome
            }
            // Retries and hand-offs need lanes: settle this round as if it had had them all along.
            unlaned = batch
            openUnlanedLanes()
        }
        var handoffs: [JobID: [ConnectionID]] = [:]
        var handoffOrder: [JobID] = []
        if failures.isEmpty {
            // Every recipient took the message: the common case, settled with one hash probe per
            // recipient and one update of the job.
            var delivered = 0
            for connection in round.connections {
                guard let index = lanes.index(forKey: connection), lanes.values[index].head == round.job else {
                    continue
                }
                delivered += 1
                if lanes.values[index].endsWithHead {
                    lanes.remove(at: index)
                } else {
                    advanceLane(
                        connection, now: now, handoffs: &handoffs, order: &handoffOrder, outcome: &outcome, observing)
                }
            }
            resolve(round.job, delivered: delivered, completed: &outcome.completedJobs)
            for job in handoffOrder {
                outcome.rounds.append(Round(job: job, connections: handoffs[job] ?? [], attempt: 1, due: now))
            }
            return outcome
        }
        var reasons = Self.reasons(from: failures)
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
            case .heldElsewhere:
                resolve(round.job, connection, .heldElsewhere, completed: &outcome.completedJobs)
                advanceLane(
                    connection, now: now, handoffs: &handoffs, order: &handoffOrder, outcome: &outcome, observing)
            case .gone:
                let failedCleanup = cleanupFailed.contains(connection)
                if observing { outcome.events.append(.deliveryGone(connection)) }
                let lane = lanes.removeValue(forKey: connection)
                if lane?.retrying == true { retryingLaneCount -= 1 }
                resolve(round.job, connection, .gone(cleanupFailed: failedCleanup), completed: &outcome.completedJobs)
                for queued in lane?.queue ?? [] {
                    resolve(queued, connection, .gone(cleanupFailed: failedCleanup), completed: &outcome.completedJobs)
                }
            case .failed(let text):
                var giveUp = round.attempt >= policy.effectiveMaxAttempts
                var reason = text
                if !giveUp {
                    let due = retryDue ?? now + nextDelay(afterFailedAttempts: round.attempt, random: &random)
                    retryDue = due
                    giveUp = due > deadline
                }
                if !giveUp, lanes[connection]?.retrying == false {
                    if retryingLaneCount >= policy.effectiveRetryingLimit {
                        giveUp = true
                        reason = Self.capacityReason
                    } else {
                        lanes[connection]?.retrying = true
                        retryingLaneCount += 1
                    }
                }
                if giveUp {
                    if observing { outcome.events.append(.deliveryFailed(connection, reason: reason)) }
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

    /// Gives every recipient of the unlaned batch a lane headed by it, so that later messages queue
    /// behind it.
    private mutating func openUnlanedLanes() {
        guard let batch = unlaned else { return }
        unlaned = nil
        lanes.reserveCapacity(lanes.count + batch.recipients.count)
        for connection in batch.recipients { lanes[connection] = Lane(head: batch.job) }
    }

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
    static func reasons(from failures: [SendFailure]) -> [ConnectionID: SendFailure.Reason] {
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
        case .heldElsewhere:
            jobs[id]?.heldElsewhere += 1
        case .gone(let cleanupFailed):
            jobs[id]?.gone.append(connection)
            if cleanupFailed { jobs[id]?.cleanupFailed.append(connection) }
        case .failed:
            jobs[id]?.failed.append(connection)
        }
        jobs[id]?.outstanding -= 1
        if jobs[id]?.outstanding == 0 { completed.append(id) }
    }

    /// Counts `delivered` recipients of `id` at once.
    private mutating func resolve(_ id: JobID, delivered: Int, completed: inout [JobID]) {
        guard delivered > 0, var job = jobs[id] else { return }
        job.delivered += delivered
        job.outstanding -= delivered
        jobs[id] = job
        if job.outstanding == 0 { completed.append(id) }
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
        if lane.retrying {
            lane.retrying = false
            retryingLaneCount -= 1
        }
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
