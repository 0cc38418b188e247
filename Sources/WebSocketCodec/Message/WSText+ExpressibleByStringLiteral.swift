extension WSText: ExpressibleByStringLiteral {
    /// The UTF-8 bytes of a string literal.
    public init(stringLiteral value: String) {
        self.init(value)
    }
}
