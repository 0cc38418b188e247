/// A strict RFC 8259 validator that also finds one key of a document's top-level object.
///
/// Routing a message needs to know that it is valid JSON and what its `action` is; it does not
/// need the document as a dictionary. `JSONScanner` answers exactly that in a single pass, without
/// recursion and without building values, several times faster than `JSONSerialization`.
///
/// What it checks: the literal, number and string grammars; escapes including `\uXXXX` and
/// surrogate pairs; unescaped control characters (rejected); UTF-8 validity inside strings;
/// whitespace; nothing after the value. Nesting is tracked on an explicit stack and bounded by
/// ``maximumDepth``, so a document of 100,000 `[` is a ``JSONScanError`` and never a stack overflow.
///
/// Choices where the RFC leaves room:
/// - A `\u` escape naming half of a UTF-16 surrogate pair without its other half (`"\uD800"`) is
///   rejected with ``JSONScanError/Reason/unpairedSurrogate``. RFC 8259 admits it syntactically but
///   it names no Unicode character, so no `String` could hold it faithfully.
/// - Only the requested key is checked for duplicates in the top-level object. A duplicated key
///   makes the lookup ambiguous (parsers disagree about which value wins), so it is an error.
/// - Keys are compared after unescaping: `"\u0061ction"` is the key `action`.
///
/// ```swift
/// let scanner = JSONScanner()
/// let action = try scanner.member("action", in: Array(#"{"action":"subscribe"}"#.utf8))
/// // action?.kind == .string, action?.string == "subscribe"
/// ```
public struct JSONScanner: Hashable, Sendable {
    /// The default nesting limit: deeper than any sensible message, shallow enough to stay cheap.
    public static let defaultMaximumDepth = 512

    /// The deepest nesting of arrays and objects accepted; deeper documents are refused with
    /// ``JSONScanError/Reason/tooDeep(limit:)``.
    public var maximumDepth: Int

    /// Creates a scanner that accepts at most `maximumDepth` levels of nesting.
    public init(maximumDepth: Int = JSONScanner.defaultMaximumDepth) {
        self.maximumDepth = max(1, maximumDepth)
    }

    /// Validates `bytes` as one JSON text of any kind and returns the kind of its top-level value.
    ///
    /// - Complexity: O(*n*) in the document's length; no allocation for nesting up to 64 levels.
    public func validate(_ bytes: UnsafeRawBufferPointer) throws(JSONScanError) -> JSONValueKind {
        try JSONScanCore.scan(bytes, key: nil, maximumDepth: maximumDepth).topLevel
    }

    /// Validates `bytes` as one JSON text of any kind and returns the kind of its top-level value.
    public func validate(_ bytes: [UInt8]) throws(JSONScanError) -> JSONValueKind {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONScanError) in try validate(buffer) }
        }
        return try result.get()
    }

    /// Validates the whole of `bytes` and returns the member named `key` of its top-level object.
    ///
    /// Members of nested objects are ignored, whatever their keys.
    ///
    /// - Returns: The member, or `nil` when the top-level object has no such key.
    /// - Throws: ``JSONScanError`` when the document is not valid JSON, when its top level is not an
    ///   object (``JSONScanError/Reason/notAnObject(_:)``), or when the object holds `key` more than
    ///   once (``JSONScanError/Reason/duplicateKey(_:)``).
    /// - Complexity: O(*n*) in the document's length. It allocates only the member's unescaped
    ///   string, and only when that string is longer than 15 UTF-8 bytes or holds escapes.
    public func member(_ key: String, in bytes: UnsafeRawBufferPointer) throws(JSONScanError) -> JSONMember? {
        var key = key
        let result = key.withUTF8 { keyBytes in
            Result { () throws(JSONScanError) in
                try JSONScanCore.scan(bytes, key: UnsafeRawBufferPointer(keyBytes), maximumDepth: maximumDepth)
            }
        }
        return try result.get().member
    }

    /// Validates the whole of `bytes` and returns the member named `key` of its top-level object.
    ///
    /// See ``member(_:in:)-(_,UnsafeRawBufferPointer)`` for the rules.
    public func member(_ key: String, in bytes: [UInt8]) throws(JSONScanError) -> JSONMember? {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONScanError) in try member(key, in: buffer) }
        }
        return try result.get()
    }

    /// The router's single pass: validates `bytes`, returns the member `key` of the top-level object
    /// (thrown on, like ``member(_:in:)-(_,[UInt8])``, when duplicated) and what it found for
    /// `secondKey`, whose duplicates are reported, not thrown.
    func members(
        _ key: String, _ secondKey: String, in bytes: [UInt8]
    ) throws(JSONScanError) -> (JSONMember?, JSONScanCore.SecondMember) {
        var key = key
        var secondKey = secondKey
        let result = bytes.withUnsafeBytes { buffer in
            key.withUTF8 { keyBytes in
                secondKey.withUTF8 { secondBytes in
                    Result { () throws(JSONScanError) in
                        try JSONScanCore.scan(
                            buffer, key: UnsafeRawBufferPointer(keyBytes),
                            secondKey: UnsafeRawBufferPointer(secondBytes),
                            maximumDepth: maximumDepth)
                    }
                }
            }
        }
        let outcome = try result.get()
        return (outcome.member, outcome.second)
    }
}
