import Foundation
import WebSocketPubSub

/// Collects the failures of one check while it runs.
///
/// Owned by the task running the check; concurrent parts of a check return their observations
/// to that task rather than recording from child tasks.
final class ConformanceRecorder {
    /// How many lines of evidence a report shows; the rest are counted, not printed.
    static let evidenceLimit = 3

    let check: String
    /// What the store did wrong, in the order observed.
    private(set) var evidence: [String] = []
    /// A sharper cause than the check's usual one, found while the check ran.
    private(set) var diagnosis: String?

    init(check: String) {
        self.check = check
    }

    func fail(_ message: String) {
        evidence.append(message)
    }

    /// Names the likely cause; the first diagnosis wins, as later symptoms often follow from it.
    func suspect(_ cause: String) {
        if diagnosis == nil { diagnosis = cause }
    }

    /// The check's report, or `nil` if it passed.
    func failure(likelyCause: String, guide: ConformanceGuide, seed: UInt64?) -> StoreConformanceFailure? {
        guard !evidence.isEmpty else { return nil }
        return StoreConformanceFailure(
            check: check,
            likelyCause: diagnosis ?? likelyCause,
            guide: guide.reference,
            evidence: Array(evidence.prefix(Self.evidenceLimit)),
            omittedEvidence: max(0, evidence.count - Self.evidenceLimit),
            seed: seed
        )
    }

    func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fail(message()) }
    }

    func expectEqual<Value: Equatable>(_ actual: Value, _ expected: Value, _ what: @autoclosure () -> String) {
        guard actual != expected else { return }
        if let actualRecord = actual as Any as? Connection, let expectedRecord = expected as Any as? Connection {
            fail("\(what()): \(Self.differences(actualRecord, expectedRecord))")
        } else {
            fail("\(what()): expected \(Self.show(expected)), got \(Self.show(actual))")
        }
    }

    /// Expects `actual` to hold exactly the elements of `expected`, each once, in any order.
    func expectSameElements<Element: Hashable & Comparable>(
        _ actual: [Element],
        _ expected: [Element],
        _ what: @autoclosure () -> String
    ) {
        let duplicates = Self.duplicates(in: actual)
        if !duplicates.isEmpty {
            fail("\(what()): listed more than once: \(Self.show(duplicates))")
        }
        let actualSet = Set(actual)
        let expectedSet = Set(expected)
        if actualSet != expectedSet {
            let missing = expectedSet.subtracting(actualSet).sorted()
            let unexpected = actualSet.subtracting(expectedSet).sorted()
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing \(Self.show(missing))") }
            if !unexpected.isEmpty { parts.append("unexpected \(Self.show(unexpected))") }
            fail("\(what()): \(parts.joined(separator: ", "))")
        }
    }

    static func duplicates<Element: Hashable & Comparable>(in elements: [Element]) -> [Element] {
        var seen = Set<Element>()
        var repeated = Set<Element>()
        for element in elements where !seen.insert(element).inserted {
            repeated.insert(element)
        }
        return repeated.sorted()
    }

    /// Describes a value for a message, shortening long identifiers and long lists.
    static func show(_ value: Any) -> String {
        if let list = value as? [ConnectionID] { return showList(list.map(\.rawValue)) }
        if let list = value as? [EntityID] { return showList(list.map(\.rawValue)) }
        if let id = value as? ConnectionID { return shorten(id.rawValue) }
        if let id = value as? EntityID { return shorten(id.rawValue) }
        if let text = value as? String { return shorten(text) }
        if let outcome = value as? SubscribeOutcome { return name(of: outcome) }
        if let outcomes = value as? [SubscribeOutcome] {
            return "[" + outcomes.map(name(of:)).joined(separator: ", ") + "]"
        }
        if let connection = value as? Connection {
            return
                "Connection(id: \(shorten(connection.id.rawValue)), remoteAddress: \(showOptional(connection.remoteAddress)), "
                + "connectedAt: \(connection.connectedAt.timeIntervalSince1970), "
                + "lastActiveAt: \(connection.lastActiveAt.timeIntervalSince1970), "
                + "subprotocol: \(showOptional(connection.subprotocol)), attributes: \(showAttributes(connection.attributes)))"
        }
        let text = String(describing: value)
        return text.utf8.count > 400 ? "\(text.prefix(200))…(\(text.utf8.count) bytes)" : text
    }

    /// Only the fields of two records that differ, so that a long record does not hide them.
    static func differences(_ actual: Connection, _ expected: Connection) -> String {
        var parts: [String] = []
        func compare<Field: Equatable>(_ name: String, _ got: Field, _ wanted: Field, _ show: (Field) -> String) {
            if got != wanted { parts.append("\(name) expected \(show(wanted)), got \(show(got))") }
        }
        compare("id", actual.id, expected.id) { shorten($0.rawValue) }
        compare("remoteAddress", actual.remoteAddress, expected.remoteAddress, showOptional)
        compare("connectedAt", actual.connectedAt, expected.connectedAt) { "\($0.timeIntervalSince1970)" }
        compare("lastActiveAt", actual.lastActiveAt, expected.lastActiveAt) { "\($0.timeIntervalSince1970)" }
        compare("subprotocol", actual.subprotocol, expected.subprotocol, showOptional)
        compare("attributes", actual.attributes, expected.attributes, showAttributes)
        return "record of \(shorten(expected.id.rawValue)) differs: " + parts.joined(separator: "; ")
    }

    private static func name(of outcome: SubscribeOutcome) -> String {
        switch outcome {
        case .subscribed: "subscribed"
        case .alreadySubscribed: "alreadySubscribed"
        case .limitReached(let limit): "limitReached(limit: \(limit))"
        }
    }

    private static func showList(_ texts: [String]) -> String {
        let shown = texts.prefix(8).map { shorten($0) }
        let more = texts.count > 8 ? ", … (\(texts.count) in all)" : ""
        return "[" + shown.joined(separator: ", ") + more + "]"
    }

    private static func showOptional(_ text: String?) -> String {
        text.map { shorten($0) } ?? "nil"
    }

    private static func showAttributes(_ attributes: [String: String]) -> String {
        guard !attributes.isEmpty else { return "[:]" }
        let pairs = attributes.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        return "[" + pairs.map { "\(shorten($0.key)): \(shorten($0.value))" }.joined(separator: ", ") + "]"
    }

    /// Quotes `text` as a Swift literal that tells apart what a terminal shows alike: U+0000 and other
    /// controls, combining marks, and precomposed letters (`"caf\u{E9}"` against `"cafe\u{301}"`).
    /// Long texts keep their first 24 characters and their length in bytes.
    static func shorten(_ text: String, limit: Int = 64) -> String {
        let bytes = text.utf8.count
        let shown = bytes > limit ? String(text.unicodeScalars.prefix(24)) : text
        var quoted = "\""
        for scalar in shown.unicodeScalars {
            quoted += escaped(scalar)
        }
        quoted += "\""
        return bytes > limit ? "\(quoted)…(\(bytes) bytes)" : quoted
    }

    private static func escaped(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\"": return "\\\""
        case "\\": return "\\\\"
        case "\t": return "\\t"
        case "\n": return "\\n"
        case "\r": return "\\r"
        default: break
        }
        if scalar.isASCII {
            return scalar.value < 0x20 || scalar.value == 0x7F ? hex(scalar) : String(scalar)
        }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .control, .format, .spaceSeparator, .unassigned:
            return hex(scalar)
        default:
            // A precomposed letter looks like its decomposed spelling: show which one this is.
            let alone = String(scalar)
            return alone.decomposedStringWithCanonicalMapping.unicodeScalars.count > 1 ? hex(scalar) : alone
        }
    }

    private static func hex(_ scalar: Unicode.Scalar) -> String {
        "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
    }
}
