/// One retained message of an entity's history: its offset and the JSON value that was published.
public struct HistoryEntry: Hashable, Sendable {
    /// The message's offset within its entity's epoch.
    public var offset: Int
    /// The published JSON value (the `message` of the envelope), exactly as published.
    public var message: [UInt8]

    /// An entry.
    public init(offset: Int, message: [UInt8]) {
        self.offset = offset
        self.message = message
    }
}
