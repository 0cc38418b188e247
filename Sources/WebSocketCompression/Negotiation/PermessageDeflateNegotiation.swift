public import WebSocketCodec

/// Both sides of permessage-deflate's negotiation (RFC 7692 §7.1), from a
/// ``PermessageDeflateConfiguration``.
///
/// Server: give ``serverResponse(to:)`` to ``WSServerHandshake/Configuration/extensionNegotiator``,
/// then create the extension from the accepted element with
/// ``PermessageDeflate/init(role:agreedElement:configuration:)``. Client: offer ``clientOffers``,
/// check the response with ``clientAgreement(from:)`` and fail the connection if it throws.
extension PermessageDeflateConfiguration {
    // MARK: Server

    /// The server's answer to a client's offers: the first acceptable `permessage-deflate`
    /// offer, in the client's order of preference, as the element to send back; `nil` to
    /// decline them all. Other extensions' offers are ignored.
    ///
    /// An offer is declined (and the next one tried) when it breaks §7.1's parameter rules
    /// (``PermessageDeflateNegotiationError``) or when the server limits the client's window
    /// (``clientMaxWindowBits`` below 15) and the offer does not let it.
    public func serverResponse(to offers: [WSExtensionOffer]) -> WSExtensionOffer? {
        for offer in offers where offer.name.lowercased() == PermessageDeflateParameters.extensionName {
            if let agreed = try? serverAgreement(for: offer) { return agreed.element }
        }
        return nil
    }

    /// A negotiator for ``WSServerHandshake/Configuration/extensionNegotiator`` that accepts
    /// permessage-deflate as ``serverResponse(to:)`` decides and nothing else.
    public var serverNegotiator: @Sendable ([WSExtensionOffer]) -> [WSExtensionOffer] {
        let configuration = self
        return { offers in configuration.serverResponse(to: offers).map { [$0] } ?? [] }
    }

    /// The parameters the server answers one offer with.
    /// - Throws: ``PermessageDeflateNegotiationError`` when the server must decline the offer.
    public func serverAgreement(
        for offer: WSExtensionOffer
    ) throws(PermessageDeflateNegotiationError) -> PermessageDeflateParameters {
        let offered = try PermessageDeflateParameters(parsing: offer, isResponse: false)
        var agreed = PermessageDeflateParameters()
        agreed.serverNoContextTakeover = offered.serverNoContextTakeover || serverNoContextTakeover
        agreed.clientNoContextTakeover = offered.clientNoContextTakeover || clientNoContextTakeover
        // §7.1.2.1: an offered server_max_window_bits must be answered with that value or less.
        if let requested = offered.serverMaxWindowBits {
            agreed.serverMaxWindowBits = min(requested, serverMaxWindowBits)
        } else if serverMaxWindowBits < 15 {
            agreed.serverMaxWindowBits = serverMaxWindowBits
        }
        // §7.1.2.2: the server may limit the client's window only if the offer has the parameter.
        switch offered.clientMaxWindowBits {
        case .absent:
            guard clientMaxWindowBits == 15 else { throw .noAcceptableOffer }
        case .withoutValue:
            if clientMaxWindowBits < 15 { agreed.clientMaxWindowBits = .value(clientMaxWindowBits) }
        case .value(let bits):
            agreed.clientMaxWindowBits = .value(min(bits, clientMaxWindowBits))
        }
        return agreed
    }

    // MARK: Client

    /// The client's offer, for ``WSClientHandshake``'s `extensionOffers`: `client_max_window_bits`
    /// always (with a value below 15), so the server may limit the client's window;
    /// `server_max_window_bits` below 15; the `*_no_context_takeover` flags as configured.
    public var clientOffers: [WSExtensionOffer] {
        let offer = PermessageDeflateParameters(
            serverNoContextTakeover: serverNoContextTakeover,
            clientNoContextTakeover: clientNoContextTakeover,
            serverMaxWindowBits: serverMaxWindowBits < 15 ? serverMaxWindowBits : nil,
            clientMaxWindowBits: clientMaxWindowBits < 15 ? .value(clientMaxWindowBits) : .withoutValue
        )
        return [offer.element]
    }

    /// Checks the extensions a server accepted (``WSHandshakeAgreement/extensions``) against
    /// ``clientOffers`` and returns the agreed parameters, or `nil` when the server declined
    /// permessage-deflate.
    ///
    /// - Throws: ``PermessageDeflateNegotiationError`` when the response breaks RFC 7692 §7.1: the
    ///   client must then fail the connection (close it; RFC 6455 §9.1).
    public func clientAgreement(
        from accepted: [WSExtensionOffer]
    ) throws(PermessageDeflateNegotiationError) -> PermessageDeflateParameters? {
        let elements = accepted.filter { $0.name.lowercased() == PermessageDeflateParameters.extensionName }
        guard let element = elements.first else { return nil }
        guard elements.count == 1 else { throw .duplicateExtension }
        let response = try PermessageDeflateParameters(parsing: element, isResponse: true)
        var lastError = PermessageDeflateNegotiationError.noAcceptableOffer
        for offerElement in clientOffers {
            do throws(PermessageDeflateNegotiationError) {
                let offer = try PermessageDeflateParameters(parsing: offerElement, isResponse: false)
                try Self.check(response, answers: offer)
                return response
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    /// §7.1.1-7.1.2 from the client's side: what a response may say to an offer.
    private static func check(
        _ response: PermessageDeflateParameters,
        answers offer: PermessageDeflateParameters
    ) throws(PermessageDeflateNegotiationError) {
        if offer.serverNoContextTakeover && !response.serverNoContextTakeover {
            throw .missingParameter("server_no_context_takeover")
        }
        if let requested = offer.serverMaxWindowBits {
            guard let answered = response.serverMaxWindowBits else { throw .missingParameter("server_max_window_bits") }
            guard answered <= requested else { throw .parameterNotAllowed("server_max_window_bits") }
        }
        switch (offer.clientMaxWindowBits, response.clientMaxWindowBits) {
        case (_, .absent), (.withoutValue, .value):
            break
        case (.value(let offered), .value(let answered)):
            guard answered <= offered else { throw .parameterNotAllowed("client_max_window_bits") }
        case (.absent, _), (_, .withoutValue):
            throw .parameterNotAllowed("client_max_window_bits")
        }
    }
}
