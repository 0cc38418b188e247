/// The kind of a JSON value, as RFC 8259 names them.
public enum JSONValueKind: Hashable, Sendable, CustomStringConvertible {
    /// `{ … }`
    case object
    /// `[ … ]`
    case array
    /// `"…"`
    case string
    /// `-12.5e3`
    case number
    /// `true` or `false`
    case boolean
    /// `null`
    case null

    /// The kind with an article, for error messages: "an object", "a number".
    public var description: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .boolean: "a boolean"
        case .null: "null"
        }
    }
}
