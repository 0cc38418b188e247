/// The entity a published message belongs to and its position in that entity's history.
public struct HistoryMark: Hashable, Sendable {
    /// The entity.
    public var entityId: EntityID
    /// The message's offset and epoch.
    public var position: HistoryPosition

    /// A mark.
    public init(entityId: EntityID, position: HistoryPosition) {
        self.entityId = entityId
        self.position = position
    }
}
