/// What a session does with a message that would take its outbound queue over its limits.
///
/// A peer that reads slower than messages are published to it makes the queue grow; without a
/// policy, one stalled reader would hold memory without bound.
public enum SlowConsumerPolicy: Hashable, Sendable {
    /// Close the connection with 1008 (policy violation), drop what it had queued, and report the
    /// message `failed`. The client learns at once and can reconnect (and recover what it missed,
    /// where history is on). The default: a connection that silently misses messages is worse.
    case close
    /// Keep the connection and drop the message that did not fit, reported `failed` for this
    /// connection; the queued messages keep their order. For feeds where the latest state matters
    /// more than every update.
    case dropNewest
}
