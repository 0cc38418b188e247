import Foundation
import WebSocketPubSub

/// route.action.*: reading a text message's `action` and calling its handler.
enum RouteCases {
    static var all: [Case] {
        [("200B", 200), ("4KiB", 4096)].map { label, size in
            Case(name: "route.action.\(label)", unit: "ops/s", target: .ratio(5)) {
                try await route(Fixtures.actionMessage(size: size))
            }
        }
    }

    static func route(_ message: [UInt8]) async throws -> (Double?, Double?) {
        precondition(message.count > 0)
        return try await measurePair(ours: await routeOurs(message), peer: try routePeer(message))
    }

    /// Our `MessageRouter`: the `JSONScanner` finds `action` (checking the whole message is well-formed JSON),
    /// then the handler registered for it runs.
    @inline(never)
    static func routeOurs(_ message: [UInt8]) async -> Workload {
        var router = MessageRouter()
        router.on("publish") { context in
            blackHole(context.action)
            return nil
        }
        router.on("subscribe") { _ in nil }
        let connection = Connection(id: ConnectionID("bench-connection"), connectedAt: Date())
        guard case .handled(route: "publish", reply: nil) = await router.route(message, from: connection) else {
            preconditionFailure("router did not dispatch the fixture to its route")
        }
        return { iterations in
            var handled = 0
            for _ in 0..<iterations {
                if case .handled = await router.route(message, from: connection) { handled &+= 1 }
            }
            blackHole(handled)
            return Double(iterations)
        }
    }

    /// Foundation: `JSONSerialization` parses the message into a dictionary, its `action` string is
    /// looked up among the handlers, and the handler runs. The message's `Data` is made once, outside
    /// the loop, so that `JSONSerialization` parses the bytes it is given without a copy per call.
    @inline(never)
    static func routePeer(_ message: [UInt8]) throws -> Workload {
        let handlers: [String: @Sendable ([String: Any]) -> Void] = [
            "publish": { object in blackHole(object.count) },
            "subscribe": { _ in },
        ]
        let data = Data(message)
        func dispatch() throws -> Bool {
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                let action = object["action"] as? String, let handler = handlers[action]
            else { return false }
            handler(object)
            return true
        }
        let dispatched = try dispatch()
        precondition(dispatched, "JSONSerialization did not dispatch the fixture")
        return { iterations in
            var handled = 0
            for _ in 0..<iterations where try dispatch() { handled &+= 1 }
            blackHole(handled)
            return Double(iterations)
        }
    }
}
