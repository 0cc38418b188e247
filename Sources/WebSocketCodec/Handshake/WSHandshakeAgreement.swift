/// What a client and server agreed on in a successful opening handshake.
public struct WSHandshakeAgreement: Hashable, Sendable {
    /// The subprotocol the server selected, or `nil` when it selected none.
    public var subprotocol: String?
    /// The extensions the server accepted, with the parameters it sent; empty unless the client offered
    /// some.
    public var extensions: [WSExtensionOffer]

    /// Creates an agreement.
    public init(subprotocol: String? = nil, extensions: [WSExtensionOffer] = []) {
        self.subprotocol = subprotocol
        self.extensions = extensions
    }
}
