// Fuzz target: action extraction and route selection, `JSONScanner` + `MessageRouter.route`.
//
// Input: byte 0 chooses the key looked up, the depth limit and whether a `$default` route exists;
// the rest is the message.
//
// Properties checked on every input:
// - `validate` accepts exactly the documents a strict reference RFC 8259 parser accepts (same
//   depth limit, same top-level kind, "too deep" exactly when the reference says so);
// - `member(_:in:)` agrees with the reference: the same syntax error as `validate`, `notAnObject`
//   for other top-level values, `duplicateKey` when the key occurs twice at the top level, else
//   the member's kind, byte range and unescaped string; both overloads agree;
// - where `JSONSerialization` also accepts the document, it finds the same string for the key;
// - the router's two-key pass (`members`) gives the first key's result exactly, and for the second
//   key what a scan for it alone finds, a duplicate reported at the offset that scan throws;
// - the shortcut for flat objects of plain strings gives the full scan's outcome or error exactly;
// - `MessageRouter.route` picks the route the model expects (the named route, `$default`, or the error
//   with the code for a malformed message, non-object, missing/duplicated/non-string action);
// - every error reply is a JSON object whose `error` and `code` strings say what the error says.

import Foundation

private let keys = ["action", "entityId", "", "é", "a\u{0}b", "\"", "\\/", "\u{1F600}"]
private let depths = [JSONScanner.defaultMaximumDepth, 1, 2, 8]

/// libFuzzer's entry point: runs one input and checks the properties listed above (traps on a
/// violation, which libFuzzer reports as a crash).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONScanner(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var options = FuzzOptions(Array(UnsafeBufferPointer(start: data, count: size)))
    let flags = options.byte()
    let document = options.rest
    let key = keys[Int(flags & 7)]
    let depth = depths[Int(flags >> 3 & 3)]
    let hasDefault = flags & 0x20 != 0
    let scanner = JSONScanner(maximumDepth: depth)
    let reference = ReferenceJSON.parse(document, maximumDepth: depth)

    let validated = Result { () throws(JSONScanError) in try scanner.validate(document) }
    switch (validated, reference) {
    case (.success(let kind), .success(let value)):
        require(kind == value.kind, "validate says \(kind), the reference \(value.kind)")
    case (.failure(let error), .failure(let failure)):
        require((error.reason == .tooDeep(limit: depth)) == (failure == .tooDeep), "\(error) vs reference \(failure)")
    default:
        fatalError("property violated: validate gives \(validated), the reference \(reference)")
    }

    let member = Result { () throws(JSONScanError) in try scanner.member(key, in: document) }
    let viaBuffer = document.withUnsafeBytes { buffer in
        Result { () throws(JSONScanError) in try scanner.member(key, in: buffer) }
    }
    require(member == viaBuffer, "the [UInt8] and buffer overloads disagree")
    let expected = expectedMember(key, reference: reference, validated: validated)
    require(member == expected, "member(\(key)) gives \(member), expected \(expected)")

    if case .success(let found?) = member, let text = found.string, case .success(.object(let members)) = reference {
        compareWithFoundation(document, key: key, string: text, memberCount: members.count)
    }
    if let error = member.failureValue {
        checkErrorReply(RouteError.unreadable(error, actionKey: key))
    }
    checkSecondKey(document, key: key, other: keys[Int(flags >> 5 & 7)], scanner: scanner, member: member)
    checkFlatObjectPath(document, key: key, other: keys[Int(flags >> 5 & 7)], depth: depth)
    checkRouting(document, key: key, scanner: scanner, hasDefault: hasDefault, member: member)
    return 0
}

private func checkSecondKey(
    _ document: [UInt8], key: String, other: String, scanner: JSONScanner, member: Result<JSONMember?, JSONScanError>
) {
    let pair = Result { () throws(JSONScanError) in try scanner.members(key, other, in: document) }
    switch (pair, member) {
    case (.failure(let error), .failure(let expected)):
        require(error == expected, "members(\(key), \(other)) throws \(error), member(\(key)) \(expected)")
    case (.success(let (first, second)), .success(let expected)):
        require(first == expected, "members(\(key), \(other)) finds \(String(describing: first)), member \(String(describing: expected))")
        guard key != other else {
            require(second == .absent, "a second key equal to the first was also found: \(second)")
            return
        }
        let alone = Result { () throws(JSONScanError) in try scanner.member(other, in: document) }
        switch alone {
        case .success(let found?): require(second == .found(found), "second \(second), alone \(found)")
        case .success(nil): require(second == .absent, "second \(second), alone absent")
        case .failure(let error):
            guard case .duplicateKey = error.reason else { fatalError("property violated: \(other) alone: \(error)") }
            require(second == .duplicated(at: error.offset), "second \(second), alone \(error)")
        }
    default:
        fatalError("property violated: members(\(key), \(other)) gives \(pair), member(\(key)) \(member)")
    }
}

/// The scan with and without its flat-object shortcut: the same outcome, or the same error at the
/// same offset.
private func checkFlatObjectPath(_ document: [UInt8], key: String, other: String, depth: Int) {
    func scan(_ shortcut: Bool) -> Result<JSONScanCore.Outcome, JSONScanError> {
        document.withUnsafeBytes { buffer in
            Array(key.utf8).withUnsafeBytes { first in
                Array(other.utf8).withUnsafeBytes { second in
                    Result { () throws(JSONScanError) in
                        try JSONScanCore.scan(
                            buffer, key: first, secondKey: second, maximumDepth: depth, allowingFlatObjects: shortcut)
                    }
                }
            }
        }
    }
    let (fast, full) = (scan(true), scan(false))
    require(fast == full, "the flat-object shortcut gives \(fast), the full scan \(full)")
}

extension Result {
    fileprivate var failureValue: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

private func expectedMember(
    _ key: String, reference: Result<ReferenceJSON, ReferenceJSON.Failure>,
    validated: Result<JSONValueKind, JSONScanError>
) -> Result<JSONMember?, JSONScanError> {
    guard case .success(let value) = reference else {
        // The same syntax error as `validate`: the key changes nothing about the syntax.
        return .failure(validated.failureValue!)
    }
    guard case .object(let members) = value else {
        return .failure(JSONScanError(.notAnObject(value.kind), at: 0))
    }
    let matches = members.enumerated().filter { $0.element.key == Array(key.utf8) }
    guard let first = matches.first?.element else { return .success(nil) }
    if matches.count > 1 {
        // The offset names the second occurrence's key; take the scanner's word for where it is.
        return .failure(JSONScanError(.duplicateKey(key), at: -1))
    }
    var string: String?
    if case .string(let bytes) = first.value { string = String(decoding: bytes, as: UTF8.self) }
    return .success(JSONMember(kind: first.value.kind, range: first.range, string: string))
}

/// The result with a duplicate key's offset (which the model does not track) set to -1.
private func == (lhs: Result<JSONMember?, JSONScanError>, rhs: Result<JSONMember?, JSONScanError>) -> Bool {
    switch (lhs, rhs) {
    case (.success(let a), .success(let b)):
        return a == b && a?.string.map { Array($0.utf8) } == b?.string.map { Array($0.utf8) }
    case (.failure(let a), .failure(let b)):
        if case .duplicateKey = a.reason, b.offset == -1 || a.offset == -1 { return a.reason == b.reason }
        return a == b
    default:
        return false
    }
}

private func compareWithFoundation(_ document: [UInt8], key: String, string: String, memberCount: Int) {
    guard
        let object = try? JSONSerialization.jsonObject(with: Data(document), options: [.fragmentsAllowed]),
        let dictionary = object as? [String: Any],
        // Keys that differ in bytes but not as Strings (canonically equivalent) collide there.
        dictionary.count == memberCount
    else { return }
    guard let value = dictionary[key] as? String else {
        fatalError("property violated: JSONSerialization has no string for \(key) in \(dictionary)")
    }
    require(Array(value.utf8) == Array(string.utf8), "JSONSerialization reads \(value), the scanner \(string)")
}

/// An error reply is a JSON object holding the error's message and code, nothing lost in escaping.
private func checkErrorReply(_ error: RouteError) {
    let reply = error.reply
    require(reply.kind == .text, "an error reply is not text")
    guard case .success(.object(let members)) = ReferenceJSON.parse(reply.bytes, maximumDepth: 4) else {
        fatalError("property violated: the error reply is not a JSON object: \(reply.bytes)")
    }
    let expected: [ReferenceJSON.Member] = [
        .init(key: Array("error".utf8), value: .string(Array(error.message.utf8)), range: 0..<0),
        .init(key: Array("code".utf8), value: .string(Array(error.code.rawValue.utf8)), range: 0..<0),
    ]
    require(
        members.map { [$0.key: $0.value] } == expected.map { [$0.key: $0.value] },
        "the error reply \(String(decoding: reply.bytes, as: UTF8.self)) does not hold \(error)")
}

private func checkRouting(
    _ document: [UInt8], key: String, scanner: JSONScanner, hasDefault: Bool,
    member: Result<JSONMember?, JSONScanError>
) {
    var router = MessageRouter(actionKey: key, scanner: scanner)
    let echo: MessageRouter.Handler = { context in
        OutboundMessage(bytes: Array(context.action.utf8) + [0] + Array(context.route.utf8))
    }
    router.on("subscribe", echo)
    router.on("unsubscribe", echo)
    if hasDefault { router.onDefault(echo) }
    let connection = Connection(id: ConnectionID("c"), connectedAt: Date(timeIntervalSince1970: 0))
    let routed = runSynchronously { [router] in await router.route(document, from: connection) }

    let expectedCode: RouteErrorCode
    switch member {
    case .failure(let error):
        switch error.reason {
        case .notAnObject: expectedCode = .notAnObject
        case .duplicateKey: expectedCode = .duplicateAction
        default: expectedCode = .invalidJSON
        }
    case .success(nil):
        expectedCode = .missingAction
    case .success(let found?):
        guard let action = found.string else {
            expectedCode = .invalidAction
            break
        }
        let route = router.hasRoute(action) ? action : MessageRouter.defaultRoute
        if router.hasRoute(action) || hasDefault {
            let reply = OutboundMessage(bytes: Array(action.utf8) + [0] + Array(route.utf8))
            require(routed == .handled(route: route, reply: reply), "routed \(routed), expected \(route)")
            return
        }
        expectedCode = .unknownAction
        guard case .failed(MessageRouter.defaultRoute?, let error) = routed, error.code == expectedCode else {
            fatalError("property violated: routed \(routed), expected \(expectedCode)")
        }
        checkErrorReply(error)
        return
    }
    guard case .failed(nil, let error) = routed, error.code == expectedCode else {
        fatalError("property violated: routed \(routed), expected \(expectedCode)")
    }
    checkErrorReply(error)
}
