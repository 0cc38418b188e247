public import Foundation

extension OutboundMessage {
    /// A text message holding `value` encoded as JSON, for route replies.
    ///
    /// ```swift
    /// router.on("time") { _ in try .json(["now": Date().timeIntervalSince1970]) }
    /// ```
    public static func json(_ value: some Encodable, encoder: JSONEncoder = JSONEncoder()) throws -> OutboundMessage {
        OutboundMessage(bytes: Array(try encoder.encode(value)), kind: .text)
    }
}
