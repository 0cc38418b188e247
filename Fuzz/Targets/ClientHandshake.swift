// Fuzz target: the client's opening handshake, `HTTP1ResponseHeadParser` +
// `WSClientHandshake.validate`.
//
// The client's key is fixed (a replayed generator gives the nonce 00 01 ... 0F, key
// "AAECAwQFBgcICQoLDA0ODw==", accept "Bz3qJYTGdOe8gUSpLosEdiLKDrk=") so that seeds can carry a
// matching `Sec-WebSocket-Accept` for the fuzzer to mutate around.
//
// Input: byte 0 chooses the head size limit and the splitting; bytes 1-2 seed the split points;
// the rest is what the server sent.
//
// Properties checked on every input:
// - the parser never consumes more than it was given, a complete head ends with CRLF CRLF, and
//   parsing in pieces (byte by byte for short inputs) gives the same head or error;
// - a parsed head re-encodes to bytes that parse back to the same head;
// - `validate` accepts exactly when an independent model of RFC 6455 §4.1 (status 101, Upgrade,
//   Connection, an accept value recomputed with reference SHA-1 and Base64, one offered
//   subprotocol, only offered extensions) does, and otherwise throws the first rule's error;
// - the agreement names the subprotocol and extensions the response selected;
// - once: the client's own request is accepted by `WSServerHandshake`.

private let offeredSubprotocols = ["chat", "superchat"]
private let offeredExtensions = [
    WSExtensionOffer(name: "x-test", parameters: [.init(name: "a", value: "1")]),
    WSExtensionOffer(name: "permessage-deflate"),
]

private func makeClient() -> WSClientHandshake {
    var generator = ReplayGenerator([0x0706_0504_0302_0100, 0x0F0E_0D0C_0B0A_0908])
    return WSClientHandshake(
        host: "server.example.com", target: "/chat", subprotocols: offeredSubprotocols, origin: "https://example.com",
        extensionOffers: offeredExtensions, generator: &generator)
}

nonisolated(unsafe) private var checkedOwnRequest = false

/// libFuzzer's entry point: runs one input and checks the properties listed above (traps on a
/// violation, which libFuzzer reports as a crash).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzClientHandshake(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let client = makeClient()
    if !checkedOwnRequest {
        checkOwnRequest(client)
        checkedOwnRequest = true
    }
    var options = FuzzOptions(Array(UnsafeBufferPointer(start: data, count: size)))
    let flags = options.byte()
    let seed = UInt32(options.byte()) << 8 | UInt32(options.byte())
    let wire = options.rest
    let limit = flags & 1 == 0 ? HTTP1RequestHeadParser.defaultMaximumHeadSize : 200

    guard
        let head = checkHeadParsing(
            HTTP1ResponseHeadParser.self, wire, limit: limit, seed: seed, bytewise: flags & 0x80 != 0)
    else { return 0 }

    let expected = modelVerdict(head, client: client)
    let actual = Result { () throws(WSHandshakeError) in try client.validate(head) }
    let agrees: Bool
    switch (actual, expected) {
    case (.success(let agreement), .success(let modelAgreement)):
        agrees = agreement == modelAgreement
    case (.failure(.invalidExtensionHeader), .failure(.invalidExtensionHeader)):
        agrees = true
    case (.failure(let error), .failure(let expectedError)):
        agrees = error == expectedError
    default:
        agrees = false
    }
    require(agrees, "validate gives \(actual), the model expects \(expected)")
    return 0
}

/// The agreement when the response must be accepted, else the error of the first rule it breaks.
private func modelVerdict(
    _ head: HTTP1ResponseHead, client: WSClientHandshake
) -> Result<WSHandshakeAgreement, WSHandshakeError> {
    let expectedAccept = ReferenceBase64.accept(forKey: "AAECAwQFBgcICQoLDA0ODw==")
    require(client.key == "AAECAwQFBgcICQoLDA0ODw==", "the replayed nonce gave key \(client.key)")
    require(client.expectedAccept == expectedAccept, "expectedAccept \(client.expectedAccept) vs \(expectedAccept)")
    guard head.status.code == 101 else { return .failure(.unexpectedStatus(head.status)) }
    if !hasToken(head, "upgrade", "websocket") {
        let upgrades = values(head, "upgrade")
        return .failure(.upgradeNotWebSocket(upgrades.isEmpty ? nil : upgrades.joined(separator: ", ")))
    }
    if !hasToken(head, "connection", "upgrade") { return .failure(.connectionMissingUpgrade) }
    let accepts = values(head, "sec-websocket-accept")
    if accepts.isEmpty { return .failure(.missingAccept) }
    if accepts != [expectedAccept] {
        return .failure(.acceptMismatch(expected: expectedAccept, received: accepts.joined(separator: ", ")))
    }
    let selected = listElements(head, "sec-websocket-protocol")
    if !selected.isEmpty && (selected.count != 1 || !offeredSubprotocols.contains(selected[0])) {
        return .failure(.subprotocolNotOffered(selected.joined(separator: ", ")))
    }
    let extensions: [WSExtensionOffer]
    do throws(WSHandshakeError) {
        extensions = try WSExtensionOffer.parse(headerValues: values(head, "sec-websocket-extensions"))
    } catch {
        return .failure(error)
    }
    if let unoffered = extensions.first(where: { extensionOffer in
        !offeredExtensions.contains { $0.name == extensionOffer.name }
    }) {
        return .failure(.extensionNotOffered(unoffered.name))
    }
    return .success(WSHandshakeAgreement(subprotocol: selected.first, extensions: extensions))
}

/// The client's request must be one the library's server accepts, selecting what it offers.
private func checkOwnRequest(_ client: WSClientHandshake) {
    var parser = HTTP1RequestHeadParser()
    let bytes = client.requestBytes
    do throws(HTTP1HeadError) {
        guard case .complete(let head, let consumed) = try parser.parse(bytes), consumed == bytes.count else {
            fatalError("property violated: the client's request does not parse whole")
        }
        require(head == client.request, "the client's request parses as \(head)")
        let server = WSServerHandshake(
            configuration: .init(subprotocols: ["superchat"], extensionNegotiator: { $0 }))
        guard case .accept(let response, "superchat", offeredExtensions) = server.respond(to: head) else {
            fatalError("property violated: the server rejects the client's request")
        }
        var responseParser = HTTP1ResponseHeadParser()
        guard case .complete(let responseHead, _) = try responseParser.parse(response) else {
            fatalError("property violated: the server's response does not parse")
        }
        let agreement = try? client.validate(responseHead)
        require(
            agreement == WSHandshakeAgreement(subprotocol: "superchat", extensions: offeredExtensions),
            "the client does not agree with the server: \(String(describing: agreement))")
    } catch {
        fatalError("property violated: the client's request fails to parse: \(error)")
    }
}
