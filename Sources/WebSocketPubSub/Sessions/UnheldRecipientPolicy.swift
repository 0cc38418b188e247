/// What ``SessionHub`` reports for a recipient that no session of this process holds.
public enum UnheldRecipientPolicy: Hashable, Sendable {
    /// The connection is gone: it closed, and its records are stale. Right for a single process,
    /// which holds every connection its stores know; the notifier then removes the records.
    case gone
    /// Another node holds the connection: not gone, not failed, only not this process's to deliver
    /// (``SendFailure/Reason/heldElsewhere``). Right for a node of a cluster over shared stores.
    case heldElsewhere
}
