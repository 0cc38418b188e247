/// What a ``HistoryStore`` answered to a read: the entity's current position and, when a position
/// to recover from was given, whether every message after it is still kept, and those messages.
public struct HistoryRead: Hashable, Sendable {
    /// The entity's latest offset (0 when nothing was published in this epoch) and its epoch.
    public var position: HistoryPosition
    /// `nil` when no position to recover from was given; otherwise whether the read could recover
    /// from it: the same epoch, an offset not above the latest, and every later message still kept.
    public var recovered: Bool?
    /// The messages after the given position, in offset order, when ``recovered`` is `true`;
    /// empty otherwise.
    public var entries: [HistoryEntry]

    /// A read's answer.
    public init(position: HistoryPosition, recovered: Bool?, entries: [HistoryEntry] = []) {
        self.position = position
        self.recovered = recovered
        self.entries = entries
    }
}
