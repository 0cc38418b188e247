import Testing
import WebSocketCodec
import WebSocketCompression

@Suite("Negotiation, client side")
struct ClientNegotiationTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var configuration = PermessageDeflateConfiguration.client
        var response: String
        /// The agreement expected, or the error.
        var expected: Result<PermessageDeflateParameters?, PermessageDeflateNegotiationError>
        var testDescription: String { response }
    }

    static let cases: [Case] = [
        Case(response: "permessage-deflate", expected: .success(PermessageDeflateParameters())),
        Case(
            response: "permessage-deflate; server_no_context_takeover",
            expected: .success(PermessageDeflateParameters(serverNoContextTakeover: true))),
        Case(
            response: "permessage-deflate; client_no_context_takeover",
            expected: .success(PermessageDeflateParameters(clientNoContextTakeover: true))),
        Case(
            response: "permessage-deflate; client_max_window_bits=10",
            expected: .success(PermessageDeflateParameters(clientMaxWindowBits: .value(10)))),
        Case(
            response: "permessage-deflate; server_max_window_bits=8",
            expected: .success(PermessageDeflateParameters(serverMaxWindowBits: 8))),
        Case(response: "x-other", expected: .success(nil)),
        Case(
            response: "permessage-deflate; client_max_window_bits",
            expected: .failure(.invalidValue(parameter: "client_max_window_bits", value: nil))),
        Case(response: "permessage-deflate; foo", expected: .failure(.unknownParameter("foo"))),
        Case(
            response: "permessage-deflate; server_max_window_bits=16",
            expected: .failure(.invalidValue(parameter: "server_max_window_bits", value: "16"))),
        Case(
            response: "permessage-deflate; client_no_context_takeover; client_no_context_takeover",
            expected: .failure(.duplicateParameter("client_no_context_takeover"))),
        Case(response: "permessage-deflate, permessage-deflate", expected: .failure(.duplicateExtension)),
        Case(
            configuration: PermessageDeflateConfiguration(clientMaxWindowBits: 12, serverNoContextTakeover: false),
            response: "permessage-deflate; client_max_window_bits=13",
            expected: .failure(.parameterNotAllowed("client_max_window_bits"))),
        Case(
            configuration: PermessageDeflateConfiguration(clientMaxWindowBits: 12, serverNoContextTakeover: false),
            response: "permessage-deflate; client_max_window_bits=9",
            expected: .success(PermessageDeflateParameters(clientMaxWindowBits: .value(9)))),
        Case(
            configuration: PermessageDeflateConfiguration(serverNoContextTakeover: true),
            response: "permessage-deflate",
            expected: .failure(.missingParameter("server_no_context_takeover"))),
        Case(
            configuration: PermessageDeflateConfiguration(serverMaxWindowBits: 10, serverNoContextTakeover: false),
            response: "permessage-deflate",
            expected: .failure(.missingParameter("server_max_window_bits"))),
        Case(
            configuration: PermessageDeflateConfiguration(serverMaxWindowBits: 10, serverNoContextTakeover: false),
            response: "permessage-deflate; server_max_window_bits=11",
            expected: .failure(.parameterNotAllowed("server_max_window_bits"))),
        Case(
            configuration: PermessageDeflateConfiguration(serverMaxWindowBits: 10, serverNoContextTakeover: false),
            response: "permessage-deflate; server_max_window_bits=9",
            expected: .success(PermessageDeflateParameters(serverMaxWindowBits: 9))),
    ]

    @Test("the client accepts valid responses and refuses the others", arguments: cases)
    func validatesResponse(_ test: Case) throws {
        let accepted = try WSExtensionOffer.parse(headerValues: [test.response])
        let result = Result { () throws(PermessageDeflateNegotiationError) in
            try test.configuration.clientAgreement(from: accepted)
        }
        #expect(result == test.expected)
    }

    @Test(
        "the client's offer says what it configured",
        arguments: [
            (PermessageDeflateConfiguration.client, "permessage-deflate; client_max_window_bits"),
            (
                PermessageDeflateConfiguration(
                    serverMaxWindowBits: 10, clientMaxWindowBits: 11, serverNoContextTakeover: true,
                    clientNoContextTakeover: true),
                "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
                    + "server_max_window_bits=10; client_max_window_bits=11"
            ),
        ]
    )
    func buildsOffer(configuration: PermessageDeflateConfiguration, header: String) {
        #expect(configuration.clientOffers.map(\.headerValue) == [header])
    }

    @Test("a full handshake agrees, and both ends exchange compressed messages")
    func handshakeThenMessages() throws {
        let clientConfiguration = PermessageDeflateConfiguration.client
        let serverConfiguration = PermessageDeflateConfiguration(minimumMessageSize: 0)
        let handshake = WSClientHandshake(host: "localhost", extensionOffers: clientConfiguration.clientOffers)
        let server = WSServerHandshake(configuration: .init(extensionNegotiator: serverConfiguration.serverNegotiator))
        guard case .accept(let responseBytes, _, let serverExtensions) = server.respond(to: handshake.request) else {
            Issue.record("the handshake was rejected")
            return
        }
        var parser = HTTP1ResponseHeadParser()
        guard case .complete(let head, _) = try parser.parse(responseBytes) else {
            Issue.record("incomplete response")
            return
        }
        let agreement = try handshake.validate(head)
        let parameters = try #require(try clientConfiguration.clientAgreement(from: agreement.extensions))
        #expect(parameters.serverNoContextTakeover)
        let serverExtension = try PermessageDeflate(
            role: .server, agreedElement: try #require(serverExtensions.first), configuration: serverConfiguration)
        var serverConnection = WSConnection(role: .server, extensions: [serverExtension])
        var clientConnection = WSConnection(
            role: .client,
            extensions: [PermessageDeflate(role: .client, parameters: parameters, configuration: clientConfiguration)]
        )
        let text = String(decoding: DeflateFixtures.json(count: 3000), as: UTF8.self)
        let fromClient = try clientConnection.sendText(text)
        #expect(fromClient[0] == 0xC1)
        #expect(fromClient.count < 3000)
        #expect(serverConnection.receive(fromClient).events == [.text(WSText(stringLiteral: text))])
        let fromServer = try serverConnection.sendText("Hello")
        #expect(clientConnection.receive(fromServer).events == [.text("Hello")])
    }
}
