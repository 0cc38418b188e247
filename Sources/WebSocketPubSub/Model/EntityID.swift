/// The identity of something clients subscribe to: a game, a document, an order.
///
/// An entity identifier is a non-empty string of at most ``maximumUTF8Length`` UTF-8 bytes. The
/// bound keeps one subscription's memory and one store row's size predictable whatever a client
/// sends.
public struct EntityID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The longest identifier accepted, in UTF-8 bytes.
    public static let maximumUTF8Length = 1024

    /// The identifier's text.
    public let rawValue: String

    /// Validates `rawValue` and wraps it.
    ///
    /// - Throws: ``EntityIDError`` when the text is empty or longer than ``maximumUTF8Length`` bytes.
    public init(validating rawValue: String) throws(EntityIDError) {
        if rawValue.isEmpty { throw .empty }
        let length = rawValue.utf8.count
        if length > Self.maximumUTF8Length { throw .tooLong(length: length, limit: Self.maximumUTF8Length) }
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    // Identity is the exact UTF-8 bytes: a store compares ids byte for byte (a database column does),
    // whereas `String`'s `==` treats canonically equivalent spellings as equal. Hashing the bytes
    // directly also skips `String`'s normalising hash, which the in-memory store pays per operation.

    public static func == (lhs: EntityID, rhs: EntityID) -> Bool {
        UTF8Bytes.equal(lhs.rawValue, rhs.rawValue)
    }

    public func hash(into hasher: inout Hasher) {
        var text = rawValue
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Byte-wise order of the UTF-8 text, consistent with `==`.
    public static func < (lhs: EntityID, rhs: EntityID) -> Bool {
        lhs.rawValue.utf8.lexicographicallyPrecedes(rhs.rawValue.utf8)
    }
}

/// Why a string is not a valid ``EntityID``.
public enum EntityIDError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The identifier was the empty string.
    case empty
    /// The identifier was longer than the limit, in UTF-8 bytes.
    case tooLong(length: Int, limit: Int)

    public var description: String {
        switch self {
        case .empty: "entityId must not be empty"
        case .tooLong(let length, let limit): "entityId is \(length) bytes long; the limit is \(limit) UTF-8 bytes"
        }
    }
}
