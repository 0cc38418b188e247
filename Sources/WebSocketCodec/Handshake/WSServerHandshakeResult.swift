/// The server's answer to an opening handshake request: the bytes to write and what was agreed.
public enum WSServerHandshakeResult: Hashable, Sendable {
    /// Write `response` (a 101), then speak WebSocket with the selected subprotocol and extensions.
    case accept(response: [UInt8], subprotocol: String?, extensions: [WSExtensionOffer])
    /// Write `response` (with `Connection: close` and a short text body naming the reason), then close the
    /// connection.
    case reject(WSHandshakeError, status: HTTP1Status, response: [UInt8])

    /// The bytes to write to the client, whether accepted or rejected.
    public var response: [UInt8] {
        switch self {
        case .accept(let response, _, _), .reject(_, _, let response): response
        }
    }
}
