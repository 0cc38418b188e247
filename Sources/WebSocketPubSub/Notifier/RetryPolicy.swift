/// How the ``Notifier`` retries recipients that failed transiently, and how much it may hold while it does.
///
/// A failed recipient is tried again after a delay that doubles with each attempt, from ``baseDelay``
/// up to ``maxDelay``, shortened by a random fraction of up to ``jitter`` so that many notifiers
/// retrying at once do not hit a recovering transport in lockstep. A message is given up for a
/// recipient when it has been tried ``maxAttempts`` times, or when its next try would start after
/// ``deadline`` (counted from the publish), whichever comes first.
///
/// The two limits bound memory whatever the transport does: at most ``maxRetryingConnections``
/// connections are in retry at once (a further failure is given up at once), and at most
/// ``maxQueuedMessagesPerConnection`` later messages wait behind one connection's retry (a further
/// message is given up for that connection at once; see ``Notifier`` for why the newest).
///
/// Values out of range are treated as the nearest valid one: attempts at least 1, delays at least
/// zero, jitter within 0...1, limits at least 0.
///
/// ```swift
/// let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(50), maxDelay: .seconds(2))
/// ```
public struct RetryPolicy: Hashable, Sendable {
    /// The most times one message is handed to the transport for one recipient, the first included.
    public var maxAttempts: Int
    /// The delay before the first retry.
    public var baseDelay: Duration
    /// The longest delay between two tries.
    public var maxDelay: Duration
    /// The largest fraction of a delay taken off at random: 0 keeps delays exact, 1 draws each from
    /// zero up to the full delay ("full jitter").
    public var jitter: Double
    /// How long after the publish a message may still be tried; after it, the message is given up.
    public var deadline: Duration
    /// The most later messages that may wait behind one connection that is being retried.
    public var maxQueuedMessagesPerConnection: Int
    /// The most connections that may be in retry at once, across all publishes.
    public var maxRetryingConnections: Int

    /// Creates a policy; see the properties for what each value means.
    public init(
        maxAttempts: Int = 4,
        baseDelay: Duration = .milliseconds(100),
        maxDelay: Duration = .seconds(2),
        jitter: Double = 0.5,
        deadline: Duration = .seconds(10),
        maxQueuedMessagesPerConnection: Int = 64,
        maxRetryingConnections: Int = 10_000
    ) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.jitter = jitter
        self.deadline = deadline
        self.maxQueuedMessagesPerConnection = maxQueuedMessagesPerConnection
        self.maxRetryingConnections = maxRetryingConnections
    }

    /// The defaults: 4 attempts, 100 ms doubling to at most 2 s, half jitter, a 10 s deadline.
    public static let standard = RetryPolicy()

    /// No retries: a transient failure is reported failed at once.
    public static let noRetries = RetryPolicy(maxAttempts: 1)

    /// The delay before the next try, after `failedAttempts` tries have failed.
    ///
    /// - Parameters:
    ///   - failedAttempts: How many tries have failed so far (1 after the first send).
    ///   - randomFraction: A number in `0..<1`; the delay is shortened by `jitter × randomFraction` of itself.
    /// - Returns: `min(maxDelay, baseDelay × 2^(failedAttempts − 1)) × (1 − jitter × randomFraction)`.
    public func delay(afterFailedAttempts failedAttempts: Int, randomFraction: Double) -> Duration {
        let base = max(.zero, baseDelay)
        let cap = max(base, maxDelay)
        var delay = base
        var doublings = max(0, failedAttempts - 1)
        // Doubling step by step stops at the cap, so no attempt count can overflow `Duration`.
        while doublings > 0 && delay < cap {
            delay = delay > cap / 2 ? cap : delay * 2
            doublings -= 1
        }
        delay = min(delay, cap)
        let fraction = randomFraction.isFinite ? min(max(randomFraction, 0), 1) : 0
        let cut = effectiveJitter * fraction
        guard cut > 0 else { return delay }
        return max(.zero, delay - delay * cut)
    }

    var effectiveMaxAttempts: Int { max(1, maxAttempts) }
    var effectiveDeadline: Duration { max(.zero, deadline) }
    var effectiveJitter: Double { jitter.isFinite ? min(max(jitter, 0), 1) : 0 }
    var effectiveQueueLimit: Int { max(0, maxQueuedMessagesPerConnection) }
    var effectiveRetryingLimit: Int { max(0, maxRetryingConnections) }
}
