/// The payload of a text message: bytes known to be valid UTF-8.
///
/// Kept as bytes because most hosts pass text on (parse JSON from it, forward it) without ever
/// needing a `String`; ``string`` makes one when asked.
public struct WSText: Hashable, Sendable {
    /// The text's UTF-8 bytes.
    public let utf8: [UInt8]

    /// Wraps bytes that were already validated.
    init(uncheckedUTF8 utf8: [UInt8]) {
        self.utf8 = utf8
    }

    /// Wraps `utf8` if it is valid UTF-8.
    public init?(validating utf8: [UInt8]) {
        guard UTF8Validator.isValid(utf8) else { return nil }
        self.utf8 = utf8
    }

    /// The UTF-8 bytes of `string`.
    public init(_ string: String) {
        self.utf8 = Array(string.utf8)
    }

    /// The text as a `String`.
    public var string: String { String(decoding: utf8, as: UTF8.self) }
}
