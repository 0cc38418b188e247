/// The client side of the WebSocket opening handshake (RFC 6455 §4.1): builds the request with a fresh
/// key and validates the server's response against it.
///
/// ```swift
/// let handshake = WSClientHandshake(host: "127.0.0.1:9001", target: "/runCase?case=1&agent=me")
/// write(handshake.requestBytes)
/// var parser = HTTP1ResponseHeadParser()
/// // feed what arrives until .complete(head, consumed), then:
/// let agreement = try handshake.validate(head)  // throws WSHandshakeError: fail the connection
/// // decode frames from the bytes after `consumed`
/// ```
public struct WSClientHandshake: Sendable {
    /// The request to send.
    public let request: HTTP1RequestHead
    /// The `Sec-WebSocket-Key` sent: base64 of 16 random bytes.
    public let key: String
    /// The `Sec-WebSocket-Accept` value the server must answer with.
    public let expectedAccept: String
    /// The subprotocols offered, most preferred first.
    public let subprotocols: [String]
    /// The extensions offered.
    public let extensionOffers: [WSExtensionOffer]

    /// Creates a handshake whose key comes from `generator`; pass a seeded generator in tests to get a
    /// known key.
    ///
    /// - Parameters:
    ///   - host: the `Host` header value, `host[:port]`.
    ///   - target: the request target, a path with an optional query.
    ///   - subprotocols: offered in `Sec-WebSocket-Protocol` when not empty.
    ///   - origin: sent as `Origin` when not `nil` (browsers send one; other clients usually do not).
    ///   - extensionOffers: offered in `Sec-WebSocket-Extensions` when not empty.
    ///   - additionalHeaders: appended after the handshake's own headers (for example `Authorization`).
    public init(
        host: String,
        target: String = "/",
        subprotocols: [String] = [],
        origin: String? = nil,
        extensionOffers: [WSExtensionOffer] = [],
        additionalHeaders: HTTP1Headers = [:],
        generator: inout some RandomNumberGenerator
    ) {
        var nonce: [UInt8] = []
        for _ in 0..<2 {
            let word = generator.next()
            for shift in stride(from: 0, to: 64, by: 8) {
                nonce.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
            }
        }
        let key = Base64.encode(nonce)
        var headers: HTTP1Headers = [
            "Host": host,
            "Upgrade": "websocket",
            "Connection": "Upgrade",
            "Sec-WebSocket-Key": key,
            "Sec-WebSocket-Version": WSServerHandshake.protocolVersion,
        ]
        if !subprotocols.isEmpty {
            headers.add(name: "Sec-WebSocket-Protocol", value: subprotocols.joined(separator: ", "))
        }
        if !extensionOffers.isEmpty {
            headers.add(
                name: "Sec-WebSocket-Extensions", value: extensionOffers.map(\.headerValue).joined(separator: ", "))
        }
        if let origin {
            headers.add(name: "Origin", value: origin)
        }
        for field in additionalHeaders {
            headers.add(field)
        }
        self.request = HTTP1RequestHead(method: "GET", target: target, headers: headers)
        self.key = key
        self.expectedAccept = WSServerHandshake.acceptValue(forKey: key)
        self.subprotocols = subprotocols
        self.extensionOffers = extensionOffers
    }

    /// Creates a handshake whose key comes from the system's secure random source, as RFC 6455 §4.1 asks.
    public init(
        host: String,
        target: String = "/",
        subprotocols: [String] = [],
        origin: String? = nil,
        extensionOffers: [WSExtensionOffer] = [],
        additionalHeaders: HTTP1Headers = [:]
    ) {
        var generator = SystemRandomSource()
        self.init(
            host: host,
            target: target,
            subprotocols: subprotocols,
            origin: origin,
            extensionOffers: extensionOffers,
            additionalHeaders: additionalHeaders,
            generator: &generator
        )
    }

    /// The request in wire form.
    public var requestBytes: [UInt8] { request.encoded() }

    /// Checks the server's response (RFC 6455 §4.1, steps 1-6 of the response validation) and returns what
    /// was agreed.
    /// - Throws: ``WSHandshakeError`` when the response does not complete the handshake; the client
    ///   must then close the connection.
    public func validate(_ response: HTTP1ResponseHead) throws(WSHandshakeError) -> WSHandshakeAgreement {
        let headers = response.headers
        guard response.status.code == HTTP1Status.switchingProtocols.code else {
            throw .unexpectedStatus(response.status)
        }
        guard headers.containsToken("websocket", for: "Upgrade") else {
            let upgrades = headers.values(for: "Upgrade")
            throw .upgradeNotWebSocket(upgrades.isEmpty ? nil : upgrades.joined(separator: ", "))
        }
        guard headers.containsToken("upgrade", for: "Connection") else { throw .connectionMissingUpgrade }
        let accepts = headers.values(for: "Sec-WebSocket-Accept")
        guard !accepts.isEmpty else { throw .missingAccept }
        guard accepts == [expectedAccept] else {
            throw .acceptMismatch(expected: expectedAccept, received: accepts.joined(separator: ", "))
        }
        let selected = headers.listElements(for: "Sec-WebSocket-Protocol")
        if !selected.isEmpty {
            guard selected.count == 1, subprotocols.contains(selected[0]) else {
                throw .subprotocolNotOffered(selected.joined(separator: ", "))
            }
        }
        let extensions = try WSExtensionOffer.parse(
            headerValues: headers.values(for: "Sec-WebSocket-Extensions"))
        let offeredNames = Set(extensionOffers.map(\.name))
        if let unoffered = extensions.first(where: { !offeredNames.contains($0.name) }) {
            throw .extensionNotOffered(unoffered.name)
        }
        return WSHandshakeAgreement(subprotocol: selected.first, extensions: extensions)
    }
}
