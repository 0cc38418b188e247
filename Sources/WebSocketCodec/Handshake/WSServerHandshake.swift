/// The server side of the WebSocket opening handshake (RFC 6455 §4.2): validates a parsed request and
/// produces the exact response bytes.
///
/// Without I/O: the host reads bytes, parses them with ``HTTP1RequestHeadParser``, asks this type for
/// the answer, writes it, and on acceptance hands the bytes after the head to the frame decoder.
///
/// ```swift
/// let handshake = WSServerHandshake(configuration: .init(subprotocols: ["websocket"]))
/// var parser = HTTP1RequestHeadParser()
/// do {
///     guard case .complete(let head, let consumed) = try parser.parse(bytes) else { return }  // read more
///     switch handshake.respond(to: head) {
///     case .accept(let response, let subprotocol, _):
///         write(response)  // then decode frames from bytes.dropFirst(consumed)
///     case .reject(_, _, let response):
///         write(response)  // then close
///     }
/// } catch {
///     write(handshake.rejection(for: .invalidHead(error)).response)  // then close
/// }
/// ```
public struct WSServerHandshake: Sendable {
    /// What a server accepts and adds to its responses.
    public struct Configuration: Sendable {
        /// Subprotocols the server speaks, most preferred first. The first of these that the client offers
        /// is selected; a subprotocol the client did not offer is never selected.
        public var subprotocols: [String]
        /// Decides from the `Origin` header whether to proceed; refusals get 403.
        public var originPolicy: WSOriginPolicy
        /// Headers added to every response, accepted or rejected (for example `Server`).
        public var additionalResponseHeaders: HTTP1Headers
        /// Receives the client's extension offers in order and returns the extensions the server accepts,
        /// with the parameters to send back. Elements whose name the client did not offer are dropped.
        /// The default accepts none, so RSV bits stay reserved.
        public var extensionNegotiator: @Sendable (_ offers: [WSExtensionOffer]) -> [WSExtensionOffer]

        /// Creates a configuration; the defaults select no subprotocol, allow every origin and accept no
        /// extension.
        public init(
            subprotocols: [String] = [],
            originPolicy: WSOriginPolicy = .allowAll,
            additionalResponseHeaders: HTTP1Headers = [:],
            extensionNegotiator: @escaping @Sendable ([WSExtensionOffer]) -> [WSExtensionOffer] = {
                _ in []
            }
        ) {
            self.subprotocols = subprotocols
            self.originPolicy = originPolicy
            self.additionalResponseHeaders = additionalResponseHeaders
            self.extensionNegotiator = extensionNegotiator
        }
    }

    /// The GUID that RFC 6455 §1.3 appends to the key before hashing.
    public static let acceptGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// The only protocol version RFC 6455 defines, as sent in `Sec-WebSocket-Version`.
    public static let protocolVersion = "13"

    /// The server's configuration.
    public var configuration: Configuration

    /// Creates a server handshake.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The `Sec-WebSocket-Accept` value for a `Sec-WebSocket-Key`: base64 of the SHA-1 of the key followed
    /// by ``acceptGUID``.
    ///
    /// `acceptValue(forKey: "dGhlIHNhbXBsZSBub25jZQ==")` is `"s3pPLMBiTxaQ9kYGzzhZRbK+xOo="`.
    public static func acceptValue(forKey key: String) -> String {
        Base64.encode(SHA1.hash(Array((key + acceptGUID).utf8)))
    }

    /// Whether a request asks for a WebSocket upgrade (its `Upgrade` header holds `websocket`), so that a
    /// host serving plain HTTP on the same port can tell which requests to hand to ``respond(to:additionalHeaders:)``.
    public static func isUpgradeRequest(_ request: HTTP1RequestHead) -> Bool {
        request.headers.containsToken("websocket", for: "Upgrade")
    }

    /// Validates a request and returns the response to write: a 101 on success, otherwise 400, 403, 405
    /// or 426 with a body naming the reason.
    /// - Parameter additionalHeaders: headers for this response only (for example `Set-Cookie`), after
    ///   those of the configuration.
    public func respond(
        to request: HTTP1RequestHead,
        additionalHeaders: HTTP1Headers = [:]
    ) -> WSServerHandshakeResult {
        let agreement: (accept: String, subprotocol: String?, extensions: [WSExtensionOffer])
        do {
            agreement = try negotiate(request)
        } catch {
            return rejection(for: error, additionalHeaders: additionalHeaders)
        }
        var headers: HTTP1Headers = [
            "Upgrade": "websocket",
            "Connection": "Upgrade",
            "Sec-WebSocket-Accept": agreement.accept,
        ]
        if let subprotocol = agreement.subprotocol {
            headers.add(name: "Sec-WebSocket-Protocol", value: subprotocol)
        }
        if !agreement.extensions.isEmpty {
            let value = agreement.extensions.map(\.headerValue).joined(separator: ", ")
            headers.add(name: "Sec-WebSocket-Extensions", value: value)
        }
        appendAdditionalHeaders(additionalHeaders, to: &headers)
        let head = HTTP1ResponseHead(status: .switchingProtocols, headers: headers)
        return .accept(response: head.encoded(), subprotocol: agreement.subprotocol, extensions: agreement.extensions)
    }

    /// The response for a failed handshake, for errors found here or by the head parser
    /// (`.invalidHead(error)`).
    ///
    /// The response carries `Connection: close` and a `text/plain` body naming the reason; 426 adds
    /// `Sec-WebSocket-Version: 13` or `Upgrade: websocket`, 405 adds `Allow: GET`. Errors without a status
    /// (those only a client finds) are answered with 400.
    public func rejection(
        for error: WSHandshakeError,
        additionalHeaders: HTTP1Headers = [:]
    ) -> WSServerHandshakeResult {
        let status = error.status ?? .badRequest
        var headers = HTTP1Headers()
        switch error {
        case .unsupportedWebSocketVersion:
            headers.add(name: "Sec-WebSocket-Version", value: Self.protocolVersion)
            headers.add(name: "Connection", value: "close")
        case .notAnUpgrade:
            // RFC 9110 §15.5.22: a 426 names the protocol to upgrade to, and Upgrade is a connection option.
            headers.add(name: "Upgrade", value: "websocket")
            headers.add(name: "Connection", value: "Upgrade, close")
        case .methodNotAllowed:
            headers.add(name: "Allow", value: "GET")
            headers.add(name: "Connection", value: "close")
        default:
            headers.add(name: "Connection", value: "close")
        }
        let body = Array((error.reason + "\n").utf8)
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: String(body.count))
        appendAdditionalHeaders(additionalHeaders, to: &headers)
        let head = HTTP1ResponseHead(status: status, headers: headers)
        return .reject(error, status: status, response: head.encoded(body: body))
    }

    /// Selects the subprotocol: the first of ``Configuration/subprotocols`` that `offered` holds, compared
    /// exactly, or `nil`.
    public func selectSubprotocol(from offered: [String]) -> String? {
        configuration.subprotocols.first { offered.contains($0) }
    }

    private func appendAdditionalHeaders(_ additionalHeaders: HTTP1Headers, to headers: inout HTTP1Headers) {
        for field in configuration.additionalResponseHeaders {
            headers.add(field)
        }
        for field in additionalHeaders {
            headers.add(field)
        }
    }

    /// Checks a request against RFC 6455 §4.2.1 and decides what is agreed.
    private func negotiate(
        _ request: HTTP1RequestHead
    ) throws(WSHandshakeError) -> (accept: String, subprotocol: String?, extensions: [WSExtensionOffer]) {
        let headers = request.headers
        guard request.method == "GET" else { throw .methodNotAllowed(request.method) }
        guard request.version == .http11 else { throw .unsupportedHTTPVersion(request.version) }
        switch headers.values(for: "Host").count {
        case 0: throw .missingHost
        case 1: break
        default: throw .duplicateHost
        }
        let upgrades = headers.values(for: "Upgrade")
        guard !upgrades.isEmpty else { throw .notAnUpgrade }
        guard headers.containsToken("websocket", for: "Upgrade") else {
            throw .upgradeNotWebSocket(upgrades.joined(separator: ", "))
        }
        guard headers.containsToken("upgrade", for: "Connection") else { throw .connectionMissingUpgrade }
        let versions = headers.values(for: "Sec-WebSocket-Version")
        guard versions == [Self.protocolVersion] else {
            throw .unsupportedWebSocketVersion(versions.isEmpty ? nil : versions.joined(separator: ", "))
        }
        let keys = headers.values(for: "Sec-WebSocket-Key")
        guard let key = keys.first else { throw .missingKey }
        guard keys.count == 1 else { throw .duplicateKey }
        guard Base64.decode(key)?.count == 16 else { throw .invalidKey(key) }
        let origin = headers["Origin"]
        guard configuration.originPolicy.allows(origin) else { throw .originRejected(origin) }

        let offeredSubprotocols = headers.listElements(for: "Sec-WebSocket-Protocol")
        if let invalid = offeredSubprotocols.first(where: { !HTTPSyntax.isToken($0) }) {
            throw .invalidSubprotocol(invalid)
        }
        let offers = try WSExtensionOffer.parse(headerValues: headers.values(for: "Sec-WebSocket-Extensions"))
        let offeredNames = Set(offers.map(\.name))
        let extensions =
            offers.isEmpty
            ? []
            : configuration.extensionNegotiator(offers).filter {
                offeredNames.contains($0.name)
            }
        return (Self.acceptValue(forKey: key), selectSubprotocol(from: offeredSubprotocols), extensions)
    }
}
