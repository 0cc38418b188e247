// Fuzz target: `PubSubGateway` (router, subscription routes, in-memory stores) driven by a
// sequence of operations on four connections, checked against a model after every step.
//
// Input: byte 0 chooses the per-connection subscription limit and whether an `echo` route and a
// `$default` route exist; the rest is a list of operations separated by 0x00:
//   0x01-0x04 M   text message M from connection 0-3     0x05-0x08  disconnect connection 0-3
//   0x0E-0x11     connect connection 0-3 (if closed)      0x12       binary message from connection 0
//   anything else a text message from connection 0
// Connections 0 and 1 start connected.
//
// Properties checked after every operation:
// - each reply is exactly what the model expects: `{"status":"subscribed","entityId":E}` (or
//   unsubscribed), the echo or default reply, or an error object whose `code` names the rule the
//   message broke (unknown connection, invalid JSON, not an object, missing/duplicated/non-string
//   action or entityId, empty or over-long entityId, subscription limit, binary message);
// - the stores hold exactly the model's connections and subscriptions, indexed both ways, and the
//   in-memory index reports no broken invariant.

import Foundation

private struct Setup: Sendable {
    var limit: Int
    var hasEcho: Bool
    var hasDefault: Bool
}

private enum Operation: Sendable {
    case text(connection: Int, [UInt8])
    case binary(connection: Int)
    case connect(Int)
    case disconnect(Int)
}

private let defaultReply = Array(#"{"default":true}"#.utf8)
private let ids = (0..<4).map { ConnectionID("connection-\($0)") }

/// libFuzzer's entry point: runs one input and checks the properties listed above (traps on a
/// violation, which libFuzzer reports as a crash).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGateway(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var options = FuzzOptions(Array(UnsafeBufferPointer(start: data, count: size)))
    let flags = options.byte()
    let setup = Setup(limit: [1, 2, 4, 128][Int(flags & 3)], hasEcho: flags & 4 != 0, hasDefault: flags & 8 != 0)
    let operations = options.rest.split(separator: 0, omittingEmptySubsequences: false).prefix(64).map {
        segment -> Operation in
        let bytes = Array(segment)
        switch bytes.first {
        case .some(0x01...0x04): return .text(connection: Int(bytes[0] - 1), Array(bytes.dropFirst()))
        case .some(0x05...0x08): return .disconnect(Int(bytes[0] - 5))
        case .some(0x0E...0x11): return .connect(Int(bytes[0] - 0x0E))
        case .some(0x12): return .binary(connection: 0)
        default: return .text(connection: 0, bytes)
        }
    }
    _ = runSynchronously { await run(operations, setup) }
    return 0
}

/// The model's view: which connections are open and what each is subscribed to.
private struct Model {
    var open: [Bool] = [true, true, false, false]
    /// Entity ids compare byte for byte, as `EntityID` does (a store is a database column).
    var subscriptions: [Set<EntityID>] = Array(repeating: [], count: 4)

    enum Reply: Equatable {
        case subscribed(EntityID)
        case unsubscribed(EntityID)
        case echo
        case defaultReply
        case error(RouteErrorCode)
    }

    /// Applies a text message and returns the reply it must get.
    mutating func text(_ message: [UInt8], from connection: Int, _ setup: Setup) -> Reply {
        guard open[connection] else { return .error(.unknownConnection) }
        guard case .success(let document) = ReferenceJSON.parse(message, maximumDepth: JSONScanner.defaultMaximumDepth)
        else { return .error(.invalidJSON) }
        guard case .object(let members) = document else { return .error(.notAnObject) }
        let actions = members.filter { $0.key == Array("action".utf8) }
        guard let action = actions.first else { return .error(.missingAction) }
        guard actions.count == 1 else { return .error(.duplicateAction) }
        guard case .string(let actionBytes) = action.value else { return .error(.invalidAction) }
        let name = String(decoding: actionBytes, as: UTF8.self)
        switch name {
        case "subscribe", "unsubscribe":
            break
        case "echo" where setup.hasEcho:
            return .echo
        default:
            return setup.hasDefault ? .defaultReply : .error(.unknownAction)
        }
        let entities = members.filter { $0.key == Array("entityId".utf8) }
        guard let entity = entities.first else { return .error(.missingEntityID) }
        guard entities.count == 1, case .string(let entityBytes) = entity.value,
            !entityBytes.isEmpty, entityBytes.count <= EntityID.maximumUTF8Length
        else { return .error(.invalidEntityID) }
        guard let entityID = try? EntityID(validating: String(decoding: entityBytes, as: UTF8.self)) else {
            fatalError("property violated: a valid entityId was refused")
        }
        if name == "unsubscribe" {
            subscriptions[connection].remove(entityID)
            return .unsubscribed(entityID)
        }
        if !subscriptions[connection].contains(entityID) {
            guard subscriptions[connection].count < setup.limit else { return .error(.subscriptionLimitReached) }
            subscriptions[connection].insert(entityID)
        }
        return .subscribed(entityID)
    }
}

private func run(_ operations: [Operation], _ setup: Setup) async -> Bool {
    let connections = InMemoryConnectionStore()
    let subscriptions = InMemorySubscriptionStore()
    var router = MessageRouter()
    if setup.hasEcho { router.on("echo") { context in OutboundMessage(bytes: context.message) } }
    if setup.hasDefault { router.onDefault { _ in OutboundMessage(bytes: defaultReply) } }
    let gateway = PubSubGateway(
        router: router, connections: connections, subscriptions: subscriptions,
        configuration: .init(maxSubscriptionsPerConnection: setup.limit),
        now: { Date(timeIntervalSince1970: 1_000_000) })
    var model = Model()
    for connection in 0..<2 {
        guard case .accepted = await gateway.connect(id: ids[connection]) else {
            fatalError("property violated: the gateway refused a connection")
        }
    }
    var touched: Set<EntityID> = []
    for operation in operations {
        switch operation {
        case .text(let connection, let message):
            let reply = await gateway.handle(text: message, from: ids[connection])
            let expected = model.text(message, from: connection, setup)
            check(reply, expected, message: message)
            if case .subscribed(let entity) = expected { touched.insert(entity) }
        case .binary(let connection):
            let reply = await gateway.handleBinary(from: ids[connection])
            check(reply, .error(.binaryMessage), message: [])
        case .connect(let connection):
            guard !model.open[connection] else { continue }
            guard case .accepted = await gateway.connect(id: ids[connection]) else {
                fatalError("property violated: the gateway refused a connection")
            }
            model.open[connection] = true
        case .disconnect(let connection):
            await gateway.disconnect(ids[connection])
            model.open[connection] = false
            model.subscriptions[connection] = []
        }
        checkStores(connections, subscriptions, model, entities: touched)
    }
    return true
}

private func check(_ reply: OutboundMessage?, _ expected: Model.Reply, message: [UInt8]) {
    guard let reply else { fatalError("property violated: no reply where \(expected) was expected") }
    let text = String(decoding: reply.bytes, as: UTF8.self)
    switch expected {
    case .echo:
        require(reply.bytes == message, "the echo route replied \(text)")
        return
    case .defaultReply:
        require(reply.bytes == defaultReply, "the default route replied \(text)")
        return
    default:
        break
    }
    require(reply.kind == .text, "a reply is not text")
    guard case .success(.object(let members)) = ReferenceJSON.parse(reply.bytes, maximumDepth: 4) else {
        fatalError("property violated: the reply is not a JSON object: \(text)")
    }
    let fields = members.map { (String(decoding: $0.key, as: UTF8.self), $0.value) }
    switch expected {
    case .subscribed(let entity), .unsubscribed(let entity):
        let status = if case .subscribed = expected { "subscribed" } else { "unsubscribed" }
        require(fields.count == 2, "reply \(text), expected \(expected)")
        require(
            fields[0].0 == "status" && fields[0].1 == .string(Array(status.utf8)), "reply \(text), expected \(status)")
        require(fields[1].0 == "entityId", "reply \(text) has no entityId")
        require(fields[1].1 == .string(Array(entity.rawValue.utf8)), "reply \(text), expected entity \(entity)")
    case .error(let code):
        require(fields.count == 2 && fields[0].0 == "error" && fields[1].0 == "code", "error reply \(text)")
        guard case .string(let message) = fields[0].1, !message.isEmpty else {
            fatalError("property violated: error reply \(text) has no message")
        }
        require(fields[1].1 == .string(Array(code.rawValue.utf8)), "error reply \(text), expected code \(code)")
    case .echo, .defaultReply:
        break
    }
}

private func checkStores(
    _ connections: InMemoryConnectionStore, _ subscriptions: InMemorySubscriptionStore, _ model: Model,
    entities: Set<EntityID>
) {
    let violations = subscriptions.invariantViolations()
    require(violations.isEmpty, "the subscription index is inconsistent: \(violations)")
    require(connections.count() == model.open.filter { $0 }.count, "the connection store holds \(connections.count())")
    var total = 0
    for (index, id) in ids.enumerated() {
        require((connections.connection(id) != nil) == model.open[index], "connection \(index) open state")
        let stored = Set(subscriptions.subscriptions(of: id))
        require(
            stored == model.subscriptions[index],
            "connection \(index) holds \(stored), the model \(model.subscriptions[index])")
        total += stored.count
    }
    require(subscriptions.count() == total, "count() is \(subscriptions.count()), the pairs \(total)")
    for entityID in entities {
        let stored = Set(subscriptions.subscribers(of: entityID))
        let expected = Set(ids.indices.filter { model.subscriptions[$0].contains(entityID) }.map { ids[$0] })
        require(stored == expected, "subscribers of \(entityID) are \(stored), the model \(expected)")
        require(subscriptions.subscriberCount(of: entityID) == expected.count, "subscriberCount of \(entityID)")
    }
}
