import Foundation
import Testing
import WebSocketPubSub
import WebSocketPubSubTesting

/// Compares the scanner with `JSONSerialization` on seeded random documents, valid and mutated.
@Suite("JSONScanner against JSONSerialization")
struct JSONScannerDifferentialTests {
    @Test(arguments: 0..<8)
    func agreesWithJSONSerialization(seed: UInt64) throws {
        var random = SeededRandomNumberGenerator(seed: 0x5EED_0000 + seed)
        var generator = RandomJSON()
        var compared = 0
        var validCount = 0
        for round in 0..<250 {
            var document = generator.object(depth: 0, using: &random)
            if round % 2 == 1 { generator.mutate(&document, using: &random) }
            // swift-corelibs/swift-foundation accepts a trailing comma (`{"a":1,}`); RFC 8259 and the
            // scanner do not. Such documents are left out of the comparison (and tested on their own).
            if Self.hasTrailingComma(document) { continue }
            let reference = try? JSONSerialization.jsonObject(with: Data(document), options: .fragmentsAllowed)
            let verdict = Result { () throws(JSONScanError) in try JSONScanner().validate(document) }
            let text = String(decoding: document, as: UTF8.self)
            #expect((reference != nil) == ((try? verdict.get()) != nil), "verdicts differ on \(text)")
            guard let object = reference as? [String: Any] else { continue }
            validCount += 1
            let member = try JSONScanner().member("action", in: document)
            switch object["action"] {
            case nil:
                #expect(member == nil, "\(text)")
            case let action as String:
                #expect(member?.string == action, "\(text)")
            default:
                #expect(member != nil && member?.kind != .string, "\(text)")
            }
            compared += 1
        }
        #expect(validCount > 100)
        #expect(compared == validCount)
    }

    @Test(arguments: [#"{"a":1,}"#, "[1,]", "{\"a\":[1 ,\n]}"])
    func rejectsTrailingCommasThatJSONSerializationAccepts(_ document: String) {
        #expect(throws: JSONScanError.self) { try JSONScanner().validate(utf8(document)) }
    }

    private static func hasTrailingComma(_ document: [UInt8]) -> Bool {
        var lastSignificant: UInt8 = 0
        for byte in document {
            if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]"), lastSignificant == UInt8(ascii: ",") {
                return true
            }
            if ![0x20, 0x09, 0x0A, 0x0D].contains(byte) { lastSignificant = byte }
        }
        return false
    }
}

/// Generates random JSON objects, some with an `action`, and corrupts them one byte at a time.
private struct RandomJSON {
    private let alphabet = Array("ab\"\\/\u{08}\u{0C}\n\r\té€😀 x\u{01}".unicodeScalars)

    mutating func object(depth: Int, using random: inout SeededRandomNumberGenerator) -> [UInt8] {
        var keys = ["action", "entityId", "data", "n", "list", "\\u0061ction", "é"].shuffled(using: &random)
        keys = Array(keys.prefix(Int.random(in: 0...4, using: &random)))
        if keys.contains("action") && keys.contains("\\u0061ction") { keys.removeAll { $0 == "\\u0061ction" } }
        var out = ws(&random) + "{"
        for (position, key) in keys.enumerated() {
            if position > 0 { out += "," }
            out += ws(&random) + "\"\(key)\"" + ws(&random) + ":" + ws(&random)
            out += String(decoding: value(depth: depth + 1, using: &random), as: UTF8.self) + ws(&random)
        }
        out += "}" + ws(&random)
        return Array(out.utf8)
    }

    mutating func value(depth: Int, using random: inout SeededRandomNumberGenerator) -> [UInt8] {
        let choice = depth > 4 ? Int.random(in: 2..<6, using: &random) : Int.random(in: 0..<7, using: &random)
        switch choice {
        case 0:
            return object(depth: depth, using: &random)
        case 1:
            let count = Int.random(in: 0...3, using: &random)
            let items = (0..<count).map { _ in String(decoding: value(depth: depth + 1, using: &random), as: UTF8.self)
            }
            return Array(("[" + items.joined(separator: ", ") + "]").utf8)
        case 2:
            return Array(number(&random).utf8)
        case 3:
            return Array(["true", "false", "null"].randomElement(using: &random)!.utf8)
        default:
            return Array(string(&random).utf8)
        }
    }

    private func number(_ random: inout SeededRandomNumberGenerator) -> String {
        var text = Bool.random(using: &random) ? "-" : ""
        text += Bool.random(using: &random) ? "0" : String(Int.random(in: 1...99_999, using: &random))
        if Bool.random(using: &random) { text += "." + String(Int.random(in: 0...999, using: &random)) }
        if Int.random(in: 0..<4, using: &random) == 0 {
            text +=
                ["e", "E", "e+", "e-"].randomElement(using: &random)! + String(Int.random(in: 0...30, using: &random))
        }
        return text
    }

    private func string(_ random: inout SeededRandomNumberGenerator) -> String {
        var text = "\""
        for _ in 0..<Int.random(in: 0...12, using: &random) {
            let scalar = alphabet.randomElement(using: &random)!
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\u{08}": text += "\\b"
            case "\u{0C}": text += "\\f"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case "\u{01}": text += "\\u0001"
            case "😀": text += Bool.random(using: &random) ? "\\uD83D\\uDE00" : "😀"
            case "é": text += Bool.random(using: &random) ? "\\u00E9" : "é"
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }

    private func ws(_ random: inout SeededRandomNumberGenerator) -> String {
        Int.random(in: 0..<4, using: &random) == 0 ? [" ", "\n", "\t", "\r\n "].randomElement(using: &random)! : ""
    }

    /// Replaces, inserts or deletes one byte, from a set that breaks JSON in interesting ways.
    func mutate(_ document: inout [UInt8], using random: inout SeededRandomNumberGenerator) {
        let interesting: [UInt8] = Array("{}[]\",:\\0-.eE tnu".utf8) + [0x01, 0x80, 0xC3, 0xFF]
        guard !document.isEmpty else { return }
        // Position 0 is left alone: JSONSerialization guesses UTF-16 or UTF-32 from the first bytes.
        let position = Int.random(in: 1..<max(2, document.count), using: &random)
        guard position < document.count else { return }
        switch Int.random(in: 0..<3, using: &random) {
        case 0: document[position] = interesting.randomElement(using: &random)!
        case 1: document.insert(interesting.randomElement(using: &random)!, at: position)
        default: document.remove(at: position)
        }
    }
}
