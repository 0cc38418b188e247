import Foundation
import WebSocketPubSub

/// Collects the failures of one check while it runs.
///
/// Owned by the task running the check; concurrent parts of a check return their observations
/// to that task rather than recording from child tasks.
final class ConformanceRecorder {
    let check: String
    private(set) var failures: [StoreConformanceFailure] = []

    init(check: String) {
        self.check = check
    }

    func fail(_ message: String) {
        failures.append(StoreConformanceFailure(check: check, message: message))
    }

    func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fail(message()) }
    }

    func expectEqual<Value: Equatable>(_ actual: Value, _ expected: Value, _ what: @autoclosure () -> String) {
        if actual != expected {
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
        if let outcome = value as? SubscribeOutcome { return name(of: outcome) }
        if let outcomes = value as? [SubscribeOutcome] {
            return "[" + outcomes.map(name(of:)).joined(separator: ", ") + "]"
        }
        if let connection = value as? Connection {
            return
                "Connection(id: \(shorten(connection.id.rawValue)), remoteAddress: \(String(describing: connection.remoteAddress)), "
                + "connectedAt: \(connection.connectedAt.timeIntervalSince1970), "
                + "lastActiveAt: \(connection.lastActiveAt.timeIntervalSince1970), "
                + "subprotocol: \(String(describing: connection.subprotocol)), attributes: \(connection.attributes))"
        }
        return shorten(String(describing: value), limit: 400)
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

    private static func shorten(_ text: String, limit: Int = 64) -> String {
        let bytes = text.utf8.count
        guard bytes > limit else { return text }
        return "\(text.prefix(24))…(\(bytes) bytes)"
    }
}
