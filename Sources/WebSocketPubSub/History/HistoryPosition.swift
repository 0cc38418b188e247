/// Where an entity's history stands: the offset of a message (or of the latest one) and the epoch
/// that offset belongs to.
///
/// Offsets count an entity's publishes: the first is 1 and each publish adds exactly 1. An offset
/// means something only together with its epoch: the epoch changes whenever the entity's history
/// is lost or reset (an in-memory store that restarted, an entity evicted to stay under a cap), so a
/// client that kept `(offset, epoch)` learns on recovery whether its offset still counts the same
/// messages.
///
/// ```swift
/// let since = HistoryPosition(offset: 41, epoch: "a3f09c1d2b7e4410")
/// // {"action":"subscribe","entityId":"game-42","since":{"offset":41,"epoch":"a3f09c1d2b7e4410"}}
/// ```
public struct HistoryPosition: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The offset: 0 before the first publish, then the offset of the latest (or a given) message.
    public var offset: Int
    /// The epoch the offset belongs to; never empty.
    public var epoch: String

    /// A position.
    public init(offset: Int, epoch: String) {
        self.offset = offset
        self.epoch = epoch
    }

    public var description: String { "\(offset)@\(epoch)" }
}
