import Foundation
import Testing
import WebSocketPubSub

@Suite("MessageRouter")
struct RouterTests {
    let connection = Connection(
        id: ConnectionID("c1"), connectedAt: Date(timeIntervalSince1970: 0), attributes: ["user": "ada"])

    private func reply(_ router: MessageRouter, _ message: String) async -> String? {
        let result = await router.route(utf8(message), from: connection)
        return result.reply.map { String(decoding: $0.bytes, as: UTF8.self) }
    }

    @Test(arguments: [
        (
            #"{"action":"nope"}"#,
            #"{"error":"unknown action \"nope\"","code":"unknown_action"}"#
        ),
        (
            #"{"action":"x""#,
            #"{"error":"invalid JSON at byte 13: the document ends early (truncated?)","code":"invalid_json"}"#
        ),
        (
            "hello",
            #"{"error":"invalid JSON at byte 0: unexpected character 'h'","code":"invalid_json"}"#
        ),
        (
            "",
            #"{"error":"invalid JSON: the message is empty","code":"invalid_json"}"#
        ),
        (
            #"[{"action":"x"}]"#,
            #"{"error":"the message must be a JSON object, not an array","code":"not_an_object"}"#
        ),
        (
            #"{"entityId":"E"}"#,
            #"{"error":"the message has no \"action\" field","code":"missing_action"}"#
        ),
        (
            #"{"action":"a","action":"b"}"#,
            #"{"error":"the \"action\" field appears more than once","code":"duplicate_action"}"#
        ),
        (
            #"{"action":7}"#,
            #"{"error":"the \"action\" field must be a string, not a number","code":"invalid_action"}"#
        ),
        (
            #"{"action":null}"#,
            #"{"error":"the \"action\" field must be a string, not null","code":"invalid_action"}"#
        ),
        (
            "\"\\uD800\"",
            #"{"error":"invalid JSON at byte 1: a \\u escape names an unpaired UTF-16 surrogate","code":"invalid_json"}"#
        ),
    ])
    func answersABadMessageWithAnExactErrorReply(_ message: String, expected: String) async {
        #expect(await reply(MessageRouter(), message) == expected)
    }

    @Test func answersTooDeepNestingWithAnErrorReply() async {
        let message = #"{"action":"x","a":"# + String(repeating: "[", count: 100_000)
        #expect(
            await reply(MessageRouter(), message)
                == #"{"error":"invalid JSON: arrays and objects are nested deeper than 512 levels","code":"invalid_json"}"#
        )
    }

    @Test func givesARawHandlerItsContext() async throws {
        var router = MessageRouter()
        router.on("echo") { context in
            #expect(context.connection.attributes["user"] == "ada")
            #expect(context.connectionID == ConnectionID("c1"))
            #expect(context.action == "echo")
            #expect(context.route == "echo")
            let kind = try context.member("n")?.kind
            #expect(kind == .number)
            return OutboundMessage(bytes: context.message)
        }
        let message = #"{"action":"echo","n":1}"#
        let result = await router.route(utf8(message), from: connection)
        #expect(result == .handled(route: "echo", reply: OutboundMessage(bytes: utf8(message))))
    }

    @Test func routesOnAConfiguredKey() async {
        var router = MessageRouter(actionKey: "type")
        router.on("ping") { _ in OutboundMessage(text: "pong") }
        #expect(await reply(router, #"{"type":"ping","action":"other"}"#) == "pong")
        #expect(
            await reply(router, #"{"action":"ping"}"#)
                == #"{"error":"the message has no \"type\" field","code":"missing_action"}"#)
    }

    @Test func sendsUnknownActionsToACustomDefault() async {
        var router = MessageRouter()
        router.onDefault { context in OutboundMessage(text: "default got \(context.action) via \(context.route)") }
        let result = await router.route(utf8(#"{"action":"zzz"}"#), from: connection)
        #expect(result == .handled(route: "$default", reply: OutboundMessage(text: "default got zzz via $default")))
    }

    @Test func registeringDollarDefaultReplacesTheDefault() async {
        var router = MessageRouter()
        router.on("$default") { _ in OutboundMessage(text: "fallback") }
        #expect(await reply(router, #"{"action":"zzz"}"#) == "fallback")
    }

    @Test func allowsAHandlerWithoutReply() async {
        var router = MessageRouter()
        router.on("quiet") { _ in nil }
        #expect(
            await router.route(utf8(#"{"action":"quiet"}"#), from: connection) == .handled(route: "quiet", reply: nil))
    }

    struct Chat: Decodable, Sendable {
        var text: String
        var count: Int?
    }

    private func chatRouter() -> MessageRouter {
        var router = MessageRouter()
        router.on("chat", as: Chat.self) { chat, context in
            try .json(["from": context.connection.attributes["user"] ?? "", "text": chat.text])
        }
        return router
    }

    @Test func decodesATypedBody() async throws {
        let answer = try #require(await reply(chatRouter(), #"{"action":"chat","text":"hi"}"#))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: String])
        #expect(object == ["from": "ada", "text": "hi"])
    }

    @Test(arguments: [
        (
            #"{"action":"chat"}"#,
            #"{"error":"the \"chat\" message is malformed: missing field \"text\"","code":"invalid_body"}"#
        ),
        (
            #"{"action":"chat","text":5}"#,
            #"{"error":"the \"chat\" message is malformed: field \"text\" must be a string","code":"invalid_body"}"#
        ),
        (
            #"{"action":"chat","text":"a","count":"many"}"#,
            #"{"error":"the \"chat\" message is malformed: field \"count\" must be an integer","code":"invalid_body"}"#
        ),
        (
            #"{"action":"chat","text":null}"#,
            #"{"error":"the \"chat\" message is malformed: field \"text\" must be a string, not null","code":"invalid_body"}"#
        ),
    ])
    func answersAnUndecodableTypedBody(_ message: String, expected: String) async {
        #expect(await reply(chatRouter(), message) == expected)
    }

    struct Boom: Error {}

    @Test func answersAThrowingHandlerWithoutLeakingItsError() async throws {
        var router = MessageRouter()
        router.on("boom") { _ in throw Boom() }
        let result = await router.route(utf8(#"{"action":"boom"}"#), from: connection)
        guard case .failed(let route, let error) = result else {
            Issue.record("expected a failure, got \(result)")
            return
        }
        #expect(route == "boom")
        #expect(error.code == .handlerFailed)
        #expect(error.detail == "Boom()")
        #expect(
            result.reply?.bytes == utf8(#"{"error":"the \"boom\" action failed","code":"handler_failed"}"#))
    }

    @Test func answersAThrownRouteErrorAsIs() async {
        var router = MessageRouter()
        router.on("kick") { _ in throw RouteError(code: "forbidden", message: "only \"admins\" may kick") }
        #expect(
            await reply(router, #"{"action":"kick"}"#) == #"{"error":"only \"admins\" may kick","code":"forbidden"}"#)
    }

    @Test func acceptsEveryHandshakeWithoutAnAuthorizer() async throws {
        #expect(try await MessageRouter().authorize(ConnectRequest(id: ConnectionID("c1"))) == .accept())
    }

    @Test func readsHeadersWithoutRegardToCase() async throws {
        var router = MessageRouter()
        router.onConnect { request in
            guard let token = request.header("x-token") else { return .unauthorized("missing X-Token") }
            return token == "secret" ? .accept(attributes: ["user": "ada"]) : .forbidden("bad token")
        }
        let good = ConnectRequest(id: ConnectionID("c1"), headers: [(name: "X-Token", value: "secret")])
        let bad = ConnectRequest(id: ConnectionID("c2"), headers: [(name: "X-TOKEN", value: "guess")])
        #expect(try await router.authorize(good) == .accept(attributes: ["user": "ada"]))
        #expect(try await router.authorize(bad) == .reject(status: 403, reason: "bad token"))
        #expect(
            try await router.authorize(ConnectRequest(id: ConnectionID("c3")))
                == .reject(status: 401, reason: "missing X-Token"))
    }

    @Test func replacesANonErrorRejectionStatusWith403() async throws {
        var router = MessageRouter()
        router.onConnect { _ in .reject(status: 200, reason: "no") }
        #expect(
            try await router.authorize(ConnectRequest(id: ConnectionID("c1"))) == .reject(status: 403, reason: "no"))
    }

    /// A few routes are found by comparing names, many through a dictionary: both find every route,
    /// a replaced route answers with its new handler, and an unknown action still falls through.
    @Test(arguments: [3, 8, 9, 40])
    func everyRouteIsFoundWhateverTheirNumber(routeCount: Int) async {
        var router = MessageRouter()
        for index in 0..<routeCount {
            router.on("route-\(index)") { _ in OutboundMessage(text: "old \(index)") }
        }
        router.on("route-0") { _ in OutboundMessage(text: "new 0") }
        router.on("caf\u{E9}") { _ in OutboundMessage(text: "coffee") }
        for index in 1..<routeCount {
            #expect(await reply(router, #"{"action":"route-\#(index)"}"#) == "old \(index)")
        }
        #expect(await reply(router, #"{"action":"route-0"}"#) == "new 0")
        // Names compare as Strings, as a dictionary's keys do: a decomposed é names the same route.
        #expect(await reply(router, #"{"action":"cafe\u0301"}"#) == "coffee")
        #expect(
            await reply(router, #"{"action":"route-\#(routeCount)"}"#)
                == #"{"error":"unknown action \"route-\#(routeCount)\"","code":"unknown_action"}"#)
    }
}
