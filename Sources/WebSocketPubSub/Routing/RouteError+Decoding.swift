import Foundation

extension RouteError {
    /// The reply to a message that a typed route could not decode; the text names the problem.
    public static func undecodable(route: String, _ error: any Error) -> RouteError {
        RouteError(
            code: .invalidBody, message: "the \"\(route)\" message is malformed: \(describe(error))",
            detail: String(describing: error))
    }

    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "it could not be decoded" }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing field \"\(path(context.codingPath + [key]))\""
        case .typeMismatch(let type, let context):
            return "field \"\(path(context.codingPath))\" must be \(describe(type))"
        case .valueNotFound(let type, let context):
            return "field \"\(path(context.codingPath))\" must be \(describe(type)), not null"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return context.debugDescription }
            return "field \"\(path(context.codingPath))\": \(context.debugDescription)"
        @unknown default:
            return "it could not be decoded"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text.isEmpty ? "(root)" : text
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type, is UInt64.Type, is UInt32.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        default: "of type \(type)"
        }
    }
}
