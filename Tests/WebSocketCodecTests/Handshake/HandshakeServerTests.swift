import Testing
import WebSocketCodec

@Suite("Server opening handshake")
struct HandshakeServerTests {
    static let server = WSServerHandshake()

    @Test func computesRFCSampleAcceptValue() {
        #expect(
            WSServerHandshake.acceptValue(forKey: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        )
    }

    @Test func answersRFCSampleRequestByteForByte() throws {
        let (request, _) = try #require(try HandshakeFixtures.parseRequest(Array(HandshakeFixtures.rfcRequest.utf8)))
        let server = WSServerHandshake(configuration: .init(subprotocols: ["chat"]))
        let result = server.respond(to: request)
        #expect(
            result
                == .accept(response: Array(HandshakeFixtures.rfcResponse.utf8), subprotocol: "chat", extensions: [])
        )
    }

    @Test func acceptsWithoutSubprotocolHeaderWhenNoneConfigured() {
        let result = Self.server.respond(to: HandshakeFixtures.request())
        let expected =
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"
        #expect(result == .accept(response: Array(expected.utf8), subprotocol: nil, extensions: []))
    }

    @Test func acceptsTokensInAnyCaseAndInLists() {
        let request = HTTP1RequestHead(
            method: "GET",
            target: "/",
            headers: [
                "host": "h", "upgrade": "WebSocket", "connection": "keep-alive, UPGRADE",
                "sec-websocket-key": "AAAAAAAAAAAAAAAAAAAAAA==", "sec-websocket-version": "13",
            ]
        )
        guard case .accept = Self.server.respond(to: request) else {
            Issue.record("expected acceptance")
            return
        }
    }

    @Test func addsConfiguredAndPerResponseHeaders() {
        let server = WSServerHandshake(
            configuration: .init(subprotocols: ["websocket"], additionalResponseHeaders: ["Server": "pubsub"])
        )
        let result = server.respond(
            to: HandshakeFixtures.request(adding: ["Sec-WebSocket-Protocol": "websocket"]),
            additionalHeaders: ["Set-Cookie": "a=b"]
        )
        let expected =
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: websocket\r\n"
            + "Server: pubsub\r\nSet-Cookie: a=b\r\n\r\n"
        #expect(HandshakeFixtures.text(result) == expected)
    }

    // MARK: Rejections

    @Test(
        "Rejects invalid upgrade requests",
        arguments: [
            (HandshakeFixtures.request(method: "POST"), WSHandshakeError.methodNotAllowed("POST")),
            (HandshakeFixtures.request(method: "get"), .methodNotAllowed("get")),
            (HandshakeFixtures.request(version: .http10), .unsupportedHTTPVersion(.http10)),
            (HandshakeFixtures.request(removing: ["Host"]), .missingHost),
            (HandshakeFixtures.request(adding: ["Host": "other"]), .duplicateHost),
            (HandshakeFixtures.request(removing: ["Upgrade"]), .notAnUpgrade),
            (
                HandshakeFixtures.request(removing: ["Upgrade"], adding: ["Upgrade": "h2c"]),
                .upgradeNotWebSocket("h2c")
            ),
            (HandshakeFixtures.request(removing: ["Connection"]), .connectionMissingUpgrade),
            (
                HandshakeFixtures.request(removing: ["Connection"], adding: ["Connection": "keep-alive"]),
                .connectionMissingUpgrade
            ),
            (HandshakeFixtures.request(removing: ["Sec-WebSocket-Key"]), .missingKey),
            (HandshakeFixtures.request(adding: ["Sec-WebSocket-Key": "AAAAAAAAAAAAAAAAAAAAAA=="]), .duplicateKey),
            (
                HandshakeFixtures.request(
                    removing: ["Sec-WebSocket-Key"], adding: ["Sec-WebSocket-Key": "not base64!"]),
                .invalidKey("not base64!")
            ),
            (
                HandshakeFixtures.request(
                    removing: ["Sec-WebSocket-Key"], adding: ["Sec-WebSocket-Key": "AAAAAAAAAAAAAAAAAAAA"]),
                .invalidKey("AAAAAAAAAAAAAAAAAAAA")
            ),
            (
                HandshakeFixtures.request(
                    removing: ["Sec-WebSocket-Key"], adding: ["Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ"]),
                .invalidKey("dGhlIHNhbXBsZSBub25jZQ")
            ),
            (
                HandshakeFixtures.request(adding: ["Sec-WebSocket-Protocol": "chat, bad/name"]),
                .invalidSubprotocol("bad/name")
            ),
            (
                HandshakeFixtures.request(adding: ["Sec-WebSocket-Extensions": "permessage-deflate;"]),
                .invalidExtensionHeader(reason: "expected a parameter name at offset 19.")
            ),
        ]
    )
    func rejectsInvalidRequest(request: HTTP1RequestHead, error: WSHandshakeError) throws {
        let result = Self.server.respond(to: request)
        let status = try #require(error.status)
        let body = error.reason + "\n"
        var expected = "HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\n"
        switch error {
        case .notAnUpgrade:
            expected += "Upgrade: websocket\r\nConnection: Upgrade, close\r\n"
        case .methodNotAllowed:
            expected += "Allow: GET\r\nConnection: close\r\n"
        default:
            expected += "Connection: close\r\n"
        }
        expected += "Content-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        #expect(result == .reject(error, status: status, response: Array(expected.utf8)))
    }

    @Test func mapsRejectionsToTheirStatusCodes() {
        let cases: [(HTTP1RequestHead, Int)] = [
            (HandshakeFixtures.request(method: "POST"), 405),
            (HandshakeFixtures.request(version: .http10), 400),
            (HandshakeFixtures.request(removing: ["Host"]), 400),
            (HandshakeFixtures.request(removing: ["Upgrade"]), 426),
            (HandshakeFixtures.request(removing: ["Connection"]), 400),
            (HandshakeFixtures.request(removing: ["Sec-WebSocket-Version"]), 426),
            (HandshakeFixtures.request(removing: ["Sec-WebSocket-Key"]), 400),
        ]
        for (request, code) in cases {
            guard case .reject(_, let status, _) = Self.server.respond(to: request) else {
                Issue.record("expected a rejection with \(code)")
                continue
            }
            #expect(status.code == code)
        }
    }

    @Test(
        "Rejects other WebSocket versions with 426 naming version 13",
        arguments: [["8"], ["12"], ["13, 8"], ["13", "13"], []]
    )
    func rejectsOtherVersionsWith426(versions: [String]) {
        var added = HTTP1Headers()
        for version in versions {
            added.add(name: "Sec-WebSocket-Version", value: version)
        }
        let request = HandshakeFixtures.request(removing: ["Sec-WebSocket-Version"], adding: added)
        let error = WSHandshakeError.unsupportedWebSocketVersion(
            versions.isEmpty ? nil : versions.joined(separator: ", ")
        )
        let body = error.reason + "\n"
        let expected =
            "HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nConnection: close\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        #expect(
            Self.server.respond(to: request) == .reject(error, status: .upgradeRequired, response: Array(expected.utf8))
        )
    }

    @Test func answersParserErrorsWith431And400() {
        let server = WSServerHandshake(configuration: .init(additionalResponseHeaders: ["Server": "s"]))
        let tooLarge = server.rejection(for: .invalidHead(.headTooLarge(limit: 16_384)))
        let body = "The request head is larger than 16384 bytes.\n"
        let expected =
            "HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\nServer: s\r\n\r\n\(body)"
        #expect(HandshakeFixtures.text(tooLarge) == expected)
        guard case .reject(_, let status, _) = server.rejection(for: .invalidHead(.obsoleteLineFolding)) else {
            Issue.record("expected a rejection")
            return
        }
        #expect(status == .badRequest)
    }

    @Test func rejectsOversizedRequestFedInChunksBeforeItEnds() throws {
        var parser = HTTP1RequestHeadParser(maximumHeadSize: 1024)
        let start = Array(HandshakeFixtures.rfcRequest.utf8.dropLast(2))  // no final empty line yet
        #expect(try parser.parse(start) == .needMoreData)
        let filler = Array("X-Filler: \(String(repeating: "f", count: 50))\r\n".utf8)
        var error: HTTP1HeadError?
        for _ in 0..<100 where error == nil {
            do {
                _ = try parser.parse(filler)
            } catch let thrown {
                error = thrown
            }
        }
        let thrown = try #require(error)
        #expect(thrown == .headTooLarge(limit: 1024))
        guard case .reject(_, let status, let response) = Self.server.rejection(for: .invalidHead(thrown)) else {
            Issue.record("expected a rejection")
            return
        }
        #expect(status.code == 431)
        #expect(response.starts(with: "HTTP/1.1 431 Request Header Fields Too Large\r\n".utf8))
    }

    // MARK: Subprotocols

    @Test(
        "Selects a subprotocol",
        arguments: [
            (["websocket"], ["websocket"], "websocket"),
            (["websocket"], ["chat", "websocket", "superchat"], "websocket"),
            (["websocket"], ["chat", "superchat"], nil),
            (["websocket"], [], nil),
            (["v2", "v1"], ["v1", "v2"], "v2"),
            (["v1", "v2"], ["v2", "v1"], "v1"),
            (["websocket"], ["WebSocket"], nil),
            ([], ["websocket"], nil),
        ] as [([String], [String], String?)]
    )
    func selectsSubprotocol(supported: [String], offered: [String], selected: String?) {
        let server = WSServerHandshake(configuration: .init(subprotocols: supported))
        let added: HTTP1Headers = offered.isEmpty ? [:] : ["Sec-WebSocket-Protocol": offered.joined(separator: ", ")]
        let result = server.respond(to: HandshakeFixtures.request(adding: added))
        guard case .accept(let response, let subprotocol, _) = result else {
            Issue.record("expected acceptance, got \(HandshakeFixtures.text(result))")
            return
        }
        #expect(subprotocol == selected)
        let text = String(decoding: response, as: UTF8.self)
        if let selected {
            #expect(text.contains("\r\nSec-WebSocket-Protocol: \(selected)\r\n"))
        } else {
            #expect(!text.contains("Sec-WebSocket-Protocol"))
        }
    }

    @Test func selectsSubprotocolOfferedInTwoHeaderLines() {
        let server = WSServerHandshake(configuration: .init(subprotocols: ["websocket"]))
        let request = HandshakeFixtures.request(
            adding: ["Sec-WebSocket-Protocol": "chat", "Sec-WebSocket-Protocol": " superchat , websocket"]
        )
        guard case .accept(_, let subprotocol, _) = server.respond(to: request) else {
            Issue.record("expected acceptance")
            return
        }
        #expect(subprotocol == "websocket")
        #expect(server.selectSubprotocol(from: ["a", "websocket"]) == "websocket")
        #expect(server.selectSubprotocol(from: ["a"]) == nil)
    }

    // MARK: Origin

    @Test func rejectsDisallowedOriginWith403() {
        let server = WSServerHandshake(
            configuration: .init(originPolicy: .allowList(["https://app.example.com"]))
        )
        let allowed = server.respond(to: HandshakeFixtures.request(adding: ["Origin": "HTTPS://APP.example.com"]))
        guard case .accept = allowed else {
            Issue.record("expected acceptance")
            return
        }
        guard case .accept = server.respond(to: HandshakeFixtures.request()) else {
            Issue.record("a request without Origin should be allowed")
            return
        }
        let refused = server.respond(to: HandshakeFixtures.request(adding: ["Origin": "https://evil.example"]))
        guard case .reject(let error, let status, let response) = refused else {
            Issue.record("expected rejection")
            return
        }
        #expect(error == .originRejected("https://evil.example"))
        #expect(status == .forbidden)
        #expect(response.starts(with: "HTTP/1.1 403 Forbidden\r\nConnection: close\r\n".utf8))
    }

    @Test func rejectsMissingOriginWhenConfigured() {
        let strict = WSServerHandshake(
            configuration: .init(originPolicy: .allowList(["https://a.example"], allowsMissingOrigin: false))
        )
        guard case .reject(let error, _, _) = strict.respond(to: HandshakeFixtures.request()) else {
            Issue.record("expected rejection")
            return
        }
        #expect(error == .originRejected(nil))
        let custom = WSOriginPolicy { $0?.hasSuffix(".example.com") ?? false }
        #expect(custom.allows("https://x.example.com"))
        #expect(!custom.allows(nil))
    }

    // MARK: Extensions

    @Test func parsesExtensionOffers() throws {
        let offers = try WSExtensionOffer.parse(headerValues: [
            "permessage-deflate; client_max_window_bits, permessage-deflate ;server_max_window_bits=10",
            "x-custom; name=\"quoted \\\"value\\\", with comma\", , other",
        ])
        #expect(
            offers == [
                .init(name: "permessage-deflate", parameters: [.init(name: "client_max_window_bits")]),
                .init(name: "permessage-deflate", parameters: [.init(name: "server_max_window_bits", value: "10")]),
                .init(name: "x-custom", parameters: [.init(name: "name", value: "quoted \"value\", with comma")]),
                .init(name: "other"),
            ]
        )
        #expect(offers[2].headerValue == "x-custom; name=\"quoted \\\"value\\\", with comma\"")
        #expect(offers[1].headerValue == "permessage-deflate; server_max_window_bits=10")
    }

    @Test(
        "Rejects malformed extension headers",
        arguments: ["permessage-deflate;", "a b", "a; b=", "a; b=\"open", "=x", "a; b=c d"]
    )
    func rejectsMalformedExtensionHeader(value: String) {
        #expect {
            try WSExtensionOffer.parse(headerValues: [value])
        } throws: { error in
            guard case .invalidExtensionHeader = error as? WSHandshakeError else { return false }
            return true
        }
    }

    @Test func negotiatesNoExtensionByDefault() {
        let request = HandshakeFixtures.request(adding: ["Sec-WebSocket-Extensions": "permessage-deflate"])
        guard case .accept(let response, _, let extensions) = Self.server.respond(to: request) else {
            Issue.record("expected acceptance")
            return
        }
        #expect(extensions.isEmpty)
        #expect(!String(decoding: response, as: UTF8.self).contains("Sec-WebSocket-Extensions"))
    }

    @Test func negotiatesExtensionsTheHostAcceptsAndOnlyOfferedOnes() {
        let server = WSServerHandshake(
            configuration: .init(extensionNegotiator: { offers in
                [.init(name: "x-unoffered")] + offers.filter { $0.name == "permessage-deflate" }.prefix(1)
            })
        )
        let request = HandshakeFixtures.request(
            adding: ["Sec-WebSocket-Extensions": "x-other, permessage-deflate; client_max_window_bits"]
        )
        guard case .accept(let response, _, let extensions) = server.respond(to: request) else {
            Issue.record("expected acceptance")
            return
        }
        let deflate = WSExtensionOffer(
            name: "permessage-deflate",
            parameters: [.init(name: "client_max_window_bits")]
        )
        #expect(extensions == [deflate])
        #expect(
            String(decoding: response, as: UTF8.self)
                .contains("\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n")
        )
    }

    @Test func recognisesUpgradeRequests() {
        #expect(WSServerHandshake.isUpgradeRequest(HandshakeFixtures.request()))
        #expect(!WSServerHandshake.isUpgradeRequest(HandshakeFixtures.request(removing: ["Upgrade"])))
    }
}
