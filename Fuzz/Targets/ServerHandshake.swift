// Fuzz target: the server's opening handshake, `HTTP1RequestHeadParser` + `WSServerHandshake`.
//
// Input: byte 0 chooses the head size limit, the origin policy and the splitting; bytes 1-2 seed
// the split points; the rest is what a client sent.
//
// Properties checked on every input:
// - the parser never consumes more than it was given, a complete head ends with CRLF CRLF, and
//   parsing the same bytes in pieces (byte by byte for short inputs) gives the same head or error;
// - a parsed head re-encodes to bytes that parse back to the same head;
// - `respond(to:)` accepts exactly when an independent model of RFC 6455 §4.2.1 does, and rejects
//   with the error of the first rule broken and the status that error names;
// - the response is well-formed HTTP that `HTTP1ResponseHeadParser` reads back, with a
//   Content-Length that matches a rejection's body;
// - an acceptance's `Sec-WebSocket-Accept` matches SHA-1 + Base64 recomputed by reference code,
//   the subprotocol is the first configured one offered, no unoffered extension is agreed, and a
//   `WSClientHandshake` holding the same key validates the response and agrees on both;
// - extension offers re-written with `headerValue` parse back to the same offers;
// - the library's SHA-1 (whole and streamed) and Base64 agree with the reference versions.

private let configuredSubprotocols = ["chat", "websocket"]
private let allowedOrigin = "https://example.com"

/// libFuzzer's entry point: runs one input and checks the properties listed above (traps on a
/// violation, which libFuzzer reports as a crash).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzServerHandshake(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var options = FuzzOptions(Array(UnsafeBufferPointer(start: data, count: size)))
    let flags = options.byte()
    let seed = UInt32(options.byte()) << 8 | UInt32(options.byte())
    let wire = options.rest
    let limit = flags & 1 == 0 ? HTTP1RequestHeadParser.defaultMaximumHeadSize : 200
    let restrictOrigin = flags & 2 != 0

    checkDigests(wire, seed: seed)

    guard
        let head = checkHeadParsing(
            HTTP1RequestHeadParser.self, wire, limit: limit, seed: seed, bytewise: flags & 0x80 != 0)
    else { return 0 }

    let handshake = WSServerHandshake(
        configuration: WSServerHandshake.Configuration(
            subprotocols: configuredSubprotocols,
            originPolicy: restrictOrigin ? .allowList([allowedOrigin]) : .allowAll,
            extensionNegotiator: { offers in
                offers.filter { $0.name == "x-test" } + [WSExtensionOffer(name: "x-unoffered")]
            }
        ))
    let result = handshake.respond(to: head)
    let expected = modelVerdict(head, restrictOrigin: restrictOrigin)
    switch (result, expected) {
    case (.reject(let error, let status, let response), .failure(let expectedError)):
        if case .invalidExtensionHeader = expectedError {
            guard case .invalidExtensionHeader = error else {
                fatalError("property violated: rejected with \(error), the model expects \(expectedError)")
            }
        } else {
            require(error == expectedError, "rejected with \(error), the model expects \(expectedError)")
        }
        require(status == (error.status ?? .badRequest), "status \(status) for \(error)")
        checkRejection(response, status: status)
    case (.accept(let response, let subprotocol, let extensions), .success(let key)):
        checkAcceptance(response, head: head, key: key, subprotocol: subprotocol, extensions: extensions)
    default:
        fatalError("property violated: respond gave \(result), the model expects \(expected)")
    }
    return 0
}

// MARK: - Model of RFC 6455 §4.2.1

private func isToken(_ text: String) -> Bool {
    let allowed = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
    return !text.isEmpty && text.utf8.allSatisfy { allowed.contains($0) }
}

/// The key when the request must be accepted, else the error of the first rule it breaks.
private func modelVerdict(_ head: HTTP1RequestHead, restrictOrigin: Bool) -> Result<String, WSHandshakeError> {
    guard head.method == "GET" else { return .failure(.methodNotAllowed(head.method)) }
    guard head.version == .http11 else { return .failure(.unsupportedHTTPVersion(head.version)) }
    let hosts = values(head, "host")
    if hosts.isEmpty { return .failure(.missingHost) }
    if hosts.count > 1 { return .failure(.duplicateHost) }
    let upgrades = values(head, "upgrade")
    if upgrades.isEmpty { return .failure(.notAnUpgrade) }
    if !hasToken(head, "upgrade", "websocket") {
        return .failure(.upgradeNotWebSocket(upgrades.joined(separator: ", ")))
    }
    if !hasToken(head, "connection", "upgrade") { return .failure(.connectionMissingUpgrade) }
    let versions = values(head, "sec-websocket-version")
    if versions != ["13"] {
        return .failure(.unsupportedWebSocketVersion(versions.isEmpty ? nil : versions.joined(separator: ", ")))
    }
    let keys = values(head, "sec-websocket-key")
    if keys.isEmpty { return .failure(.missingKey) }
    if keys.count > 1 { return .failure(.duplicateKey) }
    let key = keys[0]
    let decodedKey = ReferenceBase64.decode(key)
    require(decodedKey == Base64.decode(key), "Base64.decode(\(key)) differs from the reference")
    if decodedKey?.count != 16 { return .failure(.invalidKey(key)) }
    let origin = values(head, "origin").first
    if restrictOrigin, let origin, lowercasedASCII(origin) != allowedOrigin { return .failure(.originRejected(origin)) }
    if let invalid = listElements(head, "sec-websocket-protocol").first(where: { !isToken($0) }) {
        return .failure(.invalidSubprotocol(invalid))
    }
    do throws(WSHandshakeError) {
        let offers = try WSExtensionOffer.parse(headerValues: values(head, "sec-websocket-extensions"))
        checkOfferRoundTrip(offers)
    } catch {
        return .failure(error)
    }
    return .success(key)
}

// MARK: - Responses

private func parseResponse(_ response: [UInt8]) -> (HTTP1ResponseHead, consumed: Int) {
    var parser = HTTP1ResponseHeadParser(maximumHeadSize: Int.max)
    do throws(HTTP1HeadError) {
        guard case .complete(let head, let consumed) = try parser.parse(response) else {
            fatalError("property violated: the response head is incomplete")
        }
        return (head, consumed)
    } catch {
        fatalError("property violated: the response does not parse: \(error)")
    }
}

private func checkRejection(_ response: [UInt8], status: HTTP1Status) {
    let (head, consumed) = parseResponse(response)
    require(head.status.code == status.code, "response status \(head.status) for \(status)")
    let lengths = head.headers.values(for: "Content-Length")
    require(
        lengths == [String(response.count - consumed)],
        "Content-Length \(lengths) for \(response.count - consumed) bytes")
}

private func checkAcceptance(
    _ response: [UInt8], head: HTTP1RequestHead, key: String, subprotocol: String?,
    extensions: [WSExtensionOffer]
) {
    let (responseHead, consumed) = parseResponse(response)
    require(consumed == response.count, "bytes after an accepting response head")
    require(responseHead.status.code == 101, "accepted with status \(responseHead.status)")
    let accepts = responseHead.headers.values(for: "Sec-WebSocket-Accept")
    require(accepts == [ReferenceBase64.accept(forKey: key)], "Sec-WebSocket-Accept \(accepts) for key \(key)")
    require(WSServerHandshake.acceptValue(forKey: key) == accepts.first, "acceptValue disagrees")

    let offered = listElements(head, "sec-websocket-protocol")
    require(
        subprotocol == configuredSubprotocols.first { offered.contains($0) },
        "selected \(String(describing: subprotocol))")
    require(
        responseHead.headers.values(for: "Sec-WebSocket-Protocol") == (subprotocol.map { [$0] } ?? []),
        "protocol header")
    let offers: [WSExtensionOffer]
    do throws(WSHandshakeError) {
        offers = try WSExtensionOffer.parse(headerValues: values(head, "sec-websocket-extensions"))
    } catch {
        fatalError("property violated: accepted an unparsable extension header: \(error)")
    }
    require(extensions.allSatisfy { $0.name == "x-test" }, "agreed to an extension not offered: \(extensions)")
    require(extensions.count == offers.filter { $0.name == "x-test" }.count, "dropped an offered extension")

    // A client that sent this key must accept this response and agree on the same things.
    guard let nonce = ReferenceBase64.decode(key), nonce.count == 16 else { fatalError("property violated: key") }
    let words = [nonce[0..<8], nonce[8..<16]].map { bytes in
        bytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }
    var generator = ReplayGenerator(words)
    let client = WSClientHandshake(
        host: "h", subprotocols: offered, extensionOffers: offers, generator: &generator)
    require(client.key == key, "the client derived key \(client.key), not \(key)")
    do throws(WSHandshakeError) {
        let agreement = try client.validate(responseHead)
        require(
            agreement.subprotocol == subprotocol, "the client agrees on \(String(describing: agreement.subprotocol))")
        require(agreement.extensions == extensions, "the client agrees on extensions \(agreement.extensions)")
    } catch {
        fatalError("property violated: the client rejects the server's acceptance: \(error)")
    }
}

// MARK: - Digests

private func checkDigests(_ bytes: [UInt8], seed: UInt32) {
    let reference = ReferenceSHA1.hash(bytes)
    require(SHA1.hash(bytes) == reference, "SHA1.hash differs from the reference")
    var streamed = SHA1()
    let pieces = Splitting.pieces(count: bytes.count, seed: seed, bytewise: false)
    for piece in pieces { streamed.update(bytes[piece]) }
    require(streamed.finalize() == reference, "streamed SHA1 differs from the reference")
    let encoded = Base64.encode(bytes)
    require(encoded == ReferenceBase64.encode(bytes), "Base64.encode differs from the reference")
    require(Base64.decode(encoded) == bytes, "Base64 does not round-trip")
}

/// Offers written with `headerValue` parse back to the same offers (names, parameters, values
/// that need quoting and escaping).
private func checkOfferRoundTrip(_ offers: [WSExtensionOffer]) {
    guard !offers.isEmpty else { return }
    let written = offers.map(\.headerValue).joined(separator: ", ")
    do throws(WSHandshakeError) {
        let reparsed = try WSExtensionOffer.parse(headerValues: [written])
        require(reparsed == offers, "offers \(offers) written as \(written) parse as \(reparsed)")
    } catch {
        fatalError("property violated: offers \(offers) written as \(written) do not parse: \(error)")
    }
}
