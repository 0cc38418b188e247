import Testing
import WebSocketCodec
import WebSocketCompression

@Suite("Negotiation, server side")
struct ServerNegotiationTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var offers: String
        var configuration = PermessageDeflateConfiguration()
        var response: String?
        var testDescription: String { offers }
    }

    static let defaults: [Case] = [
        Case(offers: "permessage-deflate", response: "permessage-deflate; server_no_context_takeover"),
        Case(
            offers: "permessage-deflate; client_max_window_bits",
            response: "permessage-deflate; server_no_context_takeover"),
        Case(
            offers: "permessage-deflate; client_max_window_bits=10",
            response: "permessage-deflate; server_no_context_takeover; client_max_window_bits=10"),
        Case(
            offers: "permessage-deflate; client_max_window_bits=\"10\"",
            response: "permessage-deflate; server_no_context_takeover; client_max_window_bits=10"),
        Case(
            offers: "permessage-deflate; server_max_window_bits=8",
            response: "permessage-deflate; server_no_context_takeover; server_max_window_bits=8"),
        Case(
            offers: "permessage-deflate; client_no_context_takeover",
            response: "permessage-deflate; server_no_context_takeover; client_no_context_takeover"),
        Case(
            offers: "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
                + "server_max_window_bits=15; client_max_window_bits=15",
            response: "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
                + "server_max_window_bits=15; client_max_window_bits=15"),
        Case(
            offers: "x-webkit-deflate-frame, permessage-deflate; client_max_window_bits",
            response: "permessage-deflate; server_no_context_takeover"),
        Case(offers: "x-webkit-deflate-frame", response: nil),
    ]

    static let rejections: [Case] = [
        Case(offers: "permessage-deflate; foo", response: nil),
        Case(offers: "permessage-deflate; server_no_context_takeover; server_no_context_takeover", response: nil),
        Case(offers: "permessage-deflate; client_max_window_bits; client_max_window_bits=10", response: nil),
        Case(offers: "permessage-deflate; server_no_context_takeover=1", response: nil),
        Case(offers: "permessage-deflate; client_no_context_takeover=true", response: nil),
        Case(offers: "permessage-deflate; server_max_window_bits", response: nil),
        Case(offers: "permessage-deflate; server_max_window_bits=7", response: nil),
        Case(offers: "permessage-deflate; server_max_window_bits=16", response: nil),
        Case(offers: "permessage-deflate; server_max_window_bits=08", response: nil),
        Case(offers: "permessage-deflate; server_max_window_bits=+9", response: nil),
        Case(offers: "permessage-deflate; client_max_window_bits=abc", response: nil),
        Case(offers: "permessage-deflate; client_max_window_bits=\"\"", response: nil),
    ]

    static let fallbacks: [Case] = [
        Case(
            offers: "permessage-deflate; foo, permessage-deflate; client_max_window_bits=12",
            response: "permessage-deflate; server_no_context_takeover; client_max_window_bits=12"),
        Case(
            offers: "permessage-deflate; server_max_window_bits=99, permessage-deflate",
            response: "permessage-deflate; server_no_context_takeover"),
        Case(
            offers: "permessage-deflate; client_max_window_bits=10; server_max_window_bits=10, permessage-deflate",
            response: "permessage-deflate; server_no_context_takeover; server_max_window_bits=10; "
                + "client_max_window_bits=10"),
    ]

    static let limits: [Case] = [
        // The server limits its own window: allowed in every answer.
        Case(
            offers: "permessage-deflate",
            configuration: PermessageDeflateConfiguration(serverMaxWindowBits: 11),
            response: "permessage-deflate; server_no_context_takeover; server_max_window_bits=11"),
        Case(
            offers: "permessage-deflate; server_max_window_bits=13",
            configuration: PermessageDeflateConfiguration(serverMaxWindowBits: 11),
            response: "permessage-deflate; server_no_context_takeover; server_max_window_bits=11"),
        Case(
            offers: "permessage-deflate; server_max_window_bits=9",
            configuration: PermessageDeflateConfiguration(serverMaxWindowBits: 11),
            response: "permessage-deflate; server_no_context_takeover; server_max_window_bits=9"),
        // The server limits the client's window only when the offer lets it.
        Case(
            offers: "permessage-deflate",
            configuration: PermessageDeflateConfiguration(clientMaxWindowBits: 11),
            response: nil),
        Case(
            offers: "permessage-deflate, permessage-deflate; client_max_window_bits",
            configuration: PermessageDeflateConfiguration(clientMaxWindowBits: 11),
            response: "permessage-deflate; server_no_context_takeover; client_max_window_bits=11"),
        Case(
            offers: "permessage-deflate; client_max_window_bits=9",
            configuration: PermessageDeflateConfiguration(clientMaxWindowBits: 11),
            response: "permessage-deflate; server_no_context_takeover; client_max_window_bits=9"),
        // Context takeover on request.
        Case(
            offers: "permessage-deflate",
            configuration: PermessageDeflateConfiguration(serverNoContextTakeover: false),
            response: "permessage-deflate"),
        Case(
            offers: "permessage-deflate",
            configuration: PermessageDeflateConfiguration(
                serverNoContextTakeover: false, clientNoContextTakeover: true),
            response: "permessage-deflate; client_no_context_takeover"),
    ]

    @Test("the server answers valid offers", arguments: defaults)
    func answersValidOffers(_ test: Case) throws {
        try check(test)
    }

    @Test("the server declines offers that break RFC 7692's parameter rules", arguments: rejections)
    func declinesInvalidOffers(_ test: Case) throws {
        try check(test)
    }

    @Test("the server falls back to the next acceptable offer", arguments: fallbacks)
    func fallsBack(_ test: Case) throws {
        try check(test)
    }

    @Test("the server applies its configured limits", arguments: limits)
    func appliesLimits(_ test: Case) throws {
        try check(test)
    }

    @Test(
        "each broken parameter is named in the error",
        arguments: [
            ("permessage-deflate; foo=1", PermessageDeflateNegotiationError.unknownParameter("foo")),
            (
                "permessage-deflate; server_max_window_bits=9; server_max_window_bits=9",
                .duplicateParameter("server_max_window_bits")
            ),
            (
                "permessage-deflate; server_max_window_bits=1",
                .invalidValue(parameter: "server_max_window_bits", value: "1")
            ),
            (
                "permessage-deflate; server_max_window_bits",
                .invalidValue(parameter: "server_max_window_bits", value: nil)
            ),
            (
                "permessage-deflate; client_no_context_takeover=x",
                .invalidValue(parameter: "client_no_context_takeover", value: "x")
            ),
        ]
    )
    func namesTheBrokenParameter(offer: String, error: PermessageDeflateNegotiationError) throws {
        let element = try #require(try WSExtensionOffer.parse(headerValues: [offer]).first)
        #expect(throws: error) { try PermessageDeflateConfiguration().serverAgreement(for: element) }
    }

    @Test("the handshake answers Chromium's offer and declines it when deflate is off")
    func handshakeAnswersOffer() throws {
        let client = WSClientHandshake(
            host: "localhost",
            extensionOffers: [
                WSExtensionOffer(name: "permessage-deflate", parameters: [.init(name: "client_max_window_bits")])
            ]
        )
        let on = WSServerHandshake(
            configuration: .init(extensionNegotiator: PermessageDeflateConfiguration().serverNegotiator))
        guard case .accept(let response, _, let extensions) = on.respond(to: client.request) else {
            Issue.record("the handshake was rejected")
            return
        }
        #expect(extensions.map(\.headerValue) == ["permessage-deflate; server_no_context_takeover"])
        let text = String(decoding: response, as: UTF8.self)
        #expect(text.contains("Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n"))

        guard case .accept(let plain, _, let none) = WSServerHandshake().respond(to: client.request) else {
            Issue.record("the handshake was rejected")
            return
        }
        #expect(none.isEmpty)
        #expect(!String(decoding: plain, as: UTF8.self).contains("Sec-WebSocket-Extensions"))
    }

    private func check(_ test: Case) throws {
        let offers = try WSExtensionOffer.parse(headerValues: [test.offers])
        #expect(test.configuration.serverResponse(to: offers)?.headerValue == test.response)
    }
}
