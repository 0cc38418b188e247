import Testing
import WebSocketCodec

@Suite("Client opening handshake")
struct HandshakeClientTests {
    /// A client whose key is the RFC 6455 sample key ("the sample nonce"), so responses can use the RFC's
    /// accept value.
    static func rfcClient(
        subprotocols: [String] = [],
        extensionOffers: [WSExtensionOffer] = []
    ) -> WSClientHandshake {
        // "the sample nonce" as two little-endian words, the order in which the handshake takes key bytes.
        var generator = HandshakeFixedGenerator(words: [
            UInt64(littleEndianBytes: Array("the samp".utf8)), UInt64(littleEndianBytes: Array("le nonce".utf8)),
        ])
        return WSClientHandshake(
            host: "server.example.com",
            target: "/chat",
            subprotocols: subprotocols,
            extensionOffers: extensionOffers,
            generator: &generator
        )
    }

    static func response(_ lines: [String]) -> HTTP1ResponseHead {
        var parser = HTTP1ResponseHeadParser()
        let text = lines.map { $0 + "\r\n" }.joined() + "\r\n"
        guard case .complete(let head, _) = try? parser.parse(Array(text.utf8)) else {
            preconditionFailure("fixture response does not parse: \(text)")
        }
        return head
    }

    static let goodLines = [
        "HTTP/1.1 101 Switching Protocols",
        "Upgrade: websocket",
        "Connection: Upgrade",
        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
    ]

    @Test func buildsRequestByteForByte() {
        let client = Self.rfcClient(subprotocols: ["chat", "superchat"])
        #expect(client.key == "dGhlIHNhbXBsZSBub25jZQ==")
        #expect(client.expectedAccept == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        let expected =
            "GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Protocol: chat, superchat\r\n\r\n"
        #expect(String(decoding: client.requestBytes, as: UTF8.self) == expected)
    }

    @Test func addsOriginExtensionsAndExtraHeaders() {
        var generator = HandshakeSeededGenerator(state: 1)
        let client = WSClientHandshake(
            host: "127.0.0.1:9001",
            target: "/runCase?case=1&agent=swift",
            origin: "http://localhost",
            extensionOffers: [.init(name: "permessage-deflate", parameters: [.init(name: "client_max_window_bits")])],
            additionalHeaders: ["User-Agent": "test"],
            generator: &generator
        )
        let expected =
            "GET /runCase?case=1&agent=swift HTTP/1.1\r\nHost: 127.0.0.1:9001\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: \(client.key)\r\nSec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
            + "Origin: http://localhost\r\nUser-Agent: test\r\n\r\n"
        #expect(String(decoding: client.requestBytes, as: UTF8.self) == expected)
    }

    @Test func generatesFreshValidKeys() {
        let first = WSClientHandshake(host: "h")
        let second = WSClientHandshake(host: "h")
        #expect(first.key != second.key)
        #expect(first.key.utf8.count == 24)
        #expect(first.key.hasSuffix("=="))
        var seeded = HandshakeSeededGenerator(state: 42)
        var again = HandshakeSeededGenerator(state: 42)
        #expect(
            WSClientHandshake(host: "h", generator: &seeded).key
                == WSClientHandshake(host: "h", generator: &again).key
        )
    }

    @Test func requestIsAcceptedByTheServerRole() throws {
        var generator = HandshakeSeededGenerator(state: 7)
        let client = WSClientHandshake(
            host: "localhost:8080",
            subprotocols: ["chat", "websocket"],
            generator: &generator
        )
        var requestParser = HTTP1RequestHeadParser()
        guard case .complete(let request, _) = try requestParser.parse(client.requestBytes) else {
            Issue.record("the request should parse")
            return
        }
        let server = WSServerHandshake(configuration: .init(subprotocols: ["websocket"]))
        let result = server.respond(to: request)
        var responseParser = HTTP1ResponseHeadParser()
        guard case .complete(let response, let consumed) = try responseParser.parse(result.response) else {
            Issue.record("the response should parse")
            return
        }
        #expect(consumed == result.response.count)
        #expect(try client.validate(response) == WSHandshakeAgreement(subprotocol: "websocket"))
    }

    @Test func validatesCorrectResponse() throws {
        let client = Self.rfcClient(subprotocols: ["chat", "superchat"])
        let agreement = try client.validate(Self.response(Self.goodLines + ["Sec-WebSocket-Protocol: chat"]))
        #expect(agreement == WSHandshakeAgreement(subprotocol: "chat", extensions: []))
        #expect(try client.validate(Self.response(Self.goodLines)) == WSHandshakeAgreement())
    }

    @Test func acceptsTokensInAnyCase() throws {
        let lines = [
            "HTTP/1.1 101 Whatever", "upgrade: WEBSOCKET", "connection: keep-alive, upgrade",
            "sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
        ]
        #expect(try Self.rfcClient().validate(Self.response(lines)) == WSHandshakeAgreement())
    }

    @Test func acceptsOfferedExtension() throws {
        let client = Self.rfcClient(extensionOffers: [.init(name: "permessage-deflate")])
        let agreement = try client.validate(
            Self.response(Self.goodLines + ["Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover"])
        )
        #expect(
            agreement.extensions == [
                .init(name: "permessage-deflate", parameters: [.init(name: "server_no_context_takeover")])
            ]
        )
    }

    @Test(
        "Rejects bad responses",
        arguments: [
            (
                ["HTTP/1.1 200 OK", "Content-Length: 0"],
                WSHandshakeError.unexpectedStatus(HTTP1Status(code: 200, reasonPhrase: "OK"))
            ),
            (["HTTP/1.1 403 Forbidden"], .unexpectedStatus(.forbidden)),
            (
                [
                    "HTTP/1.1 101 Switching Protocols", "Connection: Upgrade",
                    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
                ],
                .upgradeNotWebSocket(nil)
            ),
            (
                [
                    "HTTP/1.1 101 Switching Protocols", "Upgrade: h2c", "Connection: Upgrade",
                    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
                ],
                .upgradeNotWebSocket("h2c")
            ),
            (
                [
                    "HTTP/1.1 101 Switching Protocols", "Upgrade: websocket",
                    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
                ],
                .connectionMissingUpgrade
            ),
            (["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade"], .missingAccept),
            (
                [
                    "HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade",
                    "Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                ],
                .acceptMismatch(expected: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", received: "AAAAAAAAAAAAAAAAAAAAAAAAAAA=")
            ),
            (
                goodLines + ["Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="],
                .acceptMismatch(
                    expected: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
                    received: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=, s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
                )
            ),
            (goodLines + ["Sec-WebSocket-Protocol: superchat"], .subprotocolNotOffered("superchat")),
            (goodLines + ["Sec-WebSocket-Protocol: chat, websocket"], .subprotocolNotOffered("chat, websocket")),
            (goodLines + ["Sec-WebSocket-Extensions: permessage-deflate"], .extensionNotOffered("permessage-deflate")),
            (
                goodLines + ["Sec-WebSocket-Extensions: permessage-deflate;"],
                .invalidExtensionHeader(reason: "expected a parameter name at offset 19.")
            ),
        ]
    )
    func rejectsBadResponse(lines: [String], error: WSHandshakeError) {
        let client = Self.rfcClient(subprotocols: ["chat", "websocket"])
        #expect(throws: error) {
            try client.validate(Self.response(lines))
        }
    }

    @Test func rejectsSubprotocolWhenNoneOffered() {
        #expect(throws: WSHandshakeError.subprotocolNotOffered("chat")) {
            try Self.rfcClient().validate(Self.response(Self.goodLines + ["Sec-WebSocket-Protocol: chat"]))
        }
    }

    @Test func clientOnlyErrorsHaveNoStatus() {
        #expect(WSHandshakeError.missingAccept.status == nil)
        #expect(WSHandshakeError.unexpectedStatus(.ok).status == nil)
        #expect(WSHandshakeError.missingAccept.reason == "The response has no Sec-WebSocket-Accept header.")
    }
}

extension UInt64 {
    /// Builds a word from 8 bytes, least significant first.
    fileprivate init(littleEndianBytes bytes: [UInt8]) {
        self = bytes.reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }
}
