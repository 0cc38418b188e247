/// A JSON document of DynamoDB's JSON protocol: requests are built from it, responses read into it.
///
/// Attribute values are the objects DynamoDB writes them as (`{"S":"…"}`, `{"N":"…"}`); the helpers
/// ``s(_:)`` and ``n(_:)`` build them and ``stringValue`` and ``numberValue`` read them.
public enum DynamoJSON: Codable, Hashable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([DynamoJSON])
    case object([String: DynamoJSON])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([DynamoJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: DynamoJSON].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// A string attribute value, `{"S":text}`.
    public static func s(_ text: String) -> DynamoJSON { .object(["S": .string(text)]) }

    /// A number attribute value, `{"N":"…"}`, written so that reading it back gives the same `Double`.
    public static func n(_ number: Double) -> DynamoJSON { .object(["N": .string("\(number)")]) }

    /// The member `key` of an object.
    public subscript(key: String) -> DynamoJSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The text of a string, or of a string attribute value `{"S":…}`.
    public var stringValue: String? {
        switch self {
        case .string(let text): return text
        case .object(let members): if case .string(let text)? = members["S"] { return text }
        default: break
        }
        return nil
    }

    /// The number of a JSON number, or of a number attribute value `{"N":"…"}`.
    public var numberValue: Double? {
        switch self {
        case .number(let value): return value
        case .object(let members): if case .string(let text)? = members["N"] { return Double(text) }
        default: break
        }
        return nil
    }

    /// The elements of an array; empty for anything else.
    public var arrayValue: [DynamoJSON] {
        if case .array(let elements) = self { return elements }
        return []
    }
}
