/// Names the usual mistake behind a store that confused one identifier with another.
enum IdentifierDiagnosis {
    /// Why a store asked for `sent` answered with `got`, when the two are related in a way that
    /// points at one mistake; `nil` when they are not (or are the same bytes).
    static func cause(sent: String, got: String) -> String? {
        let sentBytes = Array(sent.utf8)
        let gotBytes = Array(got.utf8)
        if sentBytes == gotBytes { return nil }
        if let nul = sentBytes.firstIndex(of: 0), Array(sentBytes[..<nul]) == gotBytes {
            return
                "ids are cut at U+0000, as a TEXT column bound as a C string is: store them as BLOB/bytea, or refuse them"
        }
        // `String`'s `==` is canonical equivalence: true here means only the Unicode spelling differs.
        if sent == got {
            return "ids are compared as Swift String (canonically equivalent spellings are equal) or normalized: "
                + "key by the ConnectionID/EntityID itself or by the UTF-8 bytes"
        }
        if sent.lowercased() == got.lowercased() {
            return "ids are compared without case (a case-insensitive collation such as NOCASE or *_ci?)"
        }
        if trimmed(sent) == trimmed(got) {
            return "ids lose leading or trailing spaces (a PAD SPACE collation, or trimming?)"
        }
        if gotBytes.count < sentBytes.count, sentBytes.starts(with: gotBytes) {
            return "long ids are truncated: size the column in bytes (entity ids reach 1,024 UTF-8 bytes)"
        }
        return nil
    }

    private static func trimmed(_ text: String) -> Substring {
        let notSpace = { (character: Character) in character != " " }
        guard let first = text.firstIndex(where: notSpace), let last = text.lastIndex(where: notSpace) else {
            return ""
        }
        return text[first...last]
    }
}
