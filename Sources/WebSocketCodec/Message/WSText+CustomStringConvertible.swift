extension WSText: CustomStringConvertible {
    /// The text itself.
    public var description: String { string }
}
