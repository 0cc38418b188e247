/// One member of a document's top-level object, as ``JSONScanner`` found it.
///
/// The scanner does not build values. It reports where the member's value lies in the document, so
/// that a caller can copy it unchanged (a `message` to forward, say), and unescapes it only when it
/// is a string, because that is what routing needs.
public struct JSONMember: Hashable, Sendable {
    /// The kind of the value.
    public var kind: JSONValueKind
    /// The byte offsets of the raw value in the document; a string's range includes its quotes.
    public var range: Range<Int>
    /// The unescaped text when ``kind`` is ``JSONValueKind/string``, otherwise `nil`.
    public var string: String?

    /// Creates a member record.
    public init(kind: JSONValueKind, range: Range<Int>, string: String? = nil) {
        self.kind = kind
        self.range = range
        self.string = string
    }
}
