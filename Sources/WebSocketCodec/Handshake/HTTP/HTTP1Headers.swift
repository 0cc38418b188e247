/// The header fields of an HTTP head, in wire order, with case-insensitive lookups.
///
/// Order and repeats are kept because they matter: a repeated `Sec-WebSocket-Key` is an error, and
/// `Sec-WebSocket-Protocol` may be spread over several lines. Names keep the case they were sent in.
///
/// ```swift
/// let headers: HTTP1Headers = ["Connection": "keep-alive, Upgrade", "Content-Length": "12"]
/// headers["content-length"]                          // "12"
/// headers.containsToken("upgrade", for: "Connection")  // true
/// ```
public struct HTTP1Headers: Hashable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
    /// One header field line.
    public struct Field: Hashable, Sendable {
        /// The field name, in the case it was written.
        public var name: String
        /// The field value without leading or trailing whitespace.
        public var value: String

        /// Creates a field.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The fields in order.
    public private(set) var fields: [Field]

    /// Creates an empty header section.
    public init() {
        fields = []
    }

    /// Creates headers from fields in order.
    public init(_ fields: [Field]) {
        self.fields = fields
    }

    /// Creates headers from name-value pairs in order; repeated names are kept.
    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { Field(name: $0.0, value: $0.1) }
    }

    /// The number of field lines.
    public var count: Int { fields.count }

    /// Whether there are no fields.
    public var isEmpty: Bool { fields.isEmpty }

    /// Appends a field, keeping any earlier field of the same name.
    public mutating func add(name: String, value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Appends a field, keeping any earlier field of the same name.
    public mutating func add(_ field: Field) {
        fields.append(field)
    }

    /// Removes every field named `name` (case-insensitively).
    public mutating func remove(name: String) {
        fields.removeAll { HTTPSyntax.equalsIgnoringASCIICase($0.name, name) }
    }

    /// Replaces every field named `name` with a single field at the position of the first one, or appends
    /// it.
    public mutating func replaceOrAdd(name: String, value: String) {
        if let first = fields.firstIndex(where: { HTTPSyntax.equalsIgnoringASCIICase($0.name, name) }) {
            fields[first].value = value
            var index = fields.index(after: first)
            while index < fields.endIndex {
                if HTTPSyntax.equalsIgnoringASCIICase(fields[index].name, name) {
                    fields.remove(at: index)
                } else {
                    index += 1
                }
            }
        } else {
            add(name: name, value: value)
        }
    }

    /// The value of the first field named `name` (case-insensitively), or `nil`.
    public subscript(name: String) -> String? {
        fields.first { HTTPSyntax.equalsIgnoringASCIICase($0.name, name) }?.value
    }

    /// The values of every field named `name`, in order.
    public func values(for name: String) -> [String] {
        fields.lazy.filter { HTTPSyntax.equalsIgnoringASCIICase($0.name, name) }.map(\.value)
    }

    /// Whether at least one field is named `name`.
    public func contains(name: String) -> Bool {
        fields.contains { HTTPSyntax.equalsIgnoringASCIICase($0.name, name) }
    }

    /// The elements of the comma-separated lists in every field named `name`, trimmed, empty ones dropped.
    ///
    /// `Connection: keep-alive, Upgrade` gives `["keep-alive", "Upgrade"]`; two `Sec-WebSocket-Protocol`
    /// lines give their elements in order.
    public func listElements(for name: String) -> [String] {
        values(for: name).flatMap { HTTPSyntax.listElements($0) }
    }

    /// Whether a comma-separated list in a field named `name` holds `token`, compared case-insensitively.
    public func containsToken(_ token: String, for name: String) -> Bool {
        listElements(for: name).contains { HTTPSyntax.equalsIgnoringASCIICase($0, token) }
    }

    /// Iterates the fields in order.
    public func makeIterator() -> IndexingIterator<[Field]> {
        fields.makeIterator()
    }
}
