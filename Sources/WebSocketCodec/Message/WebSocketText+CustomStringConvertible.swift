extension WebSocketText: CustomStringConvertible {
    /// The text itself.
    public var description: String { string }
}
