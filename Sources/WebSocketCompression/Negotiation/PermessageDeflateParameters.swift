public import WebSocketCodec

/// The parameters of one `permessage-deflate` element of `Sec-WebSocket-Extensions` (RFC 7692 §7.1):
/// a client's offer, a server's response, or what was agreed.
public struct PermessageDeflateParameters: Hashable, Sendable {
    /// The extension token, `permessage-deflate`.
    public static let extensionName = "permessage-deflate"

    /// `client_max_window_bits`, which alone may appear without a value (in an offer).
    public enum ClientWindowBits: Hashable, Sendable {
        /// Not given: the client may use a 32 KiB window, and the server may not limit it.
        case absent
        /// Given without a value (offers only): the client accepts a limit from the server.
        case withoutValue
        /// Given with a value, 8...15.
        case value(Int)
    }

    /// `server_no_context_takeover`: the server resets its compressor after each message.
    public var serverNoContextTakeover: Bool
    /// `client_no_context_takeover`: the client resets its compressor after each message.
    public var clientNoContextTakeover: Bool
    /// `server_max_window_bits`: the base-2 logarithm of the server's largest LZ77 window (8...15),
    /// `nil` when absent (15).
    public var serverMaxWindowBits: Int?
    /// `client_max_window_bits`.
    public var clientMaxWindowBits: ClientWindowBits

    /// Creates parameters; the defaults are a bare `permessage-deflate`.
    public init(
        serverNoContextTakeover: Bool = false,
        clientNoContextTakeover: Bool = false,
        serverMaxWindowBits: Int? = nil,
        clientMaxWindowBits: ClientWindowBits = .absent
    ) {
        self.serverNoContextTakeover = serverNoContextTakeover
        self.clientNoContextTakeover = clientNoContextTakeover
        self.serverMaxWindowBits = serverMaxWindowBits
        self.clientMaxWindowBits = clientMaxWindowBits
    }

    /// The window bits the server compresses with at most.
    public var effectiveServerWindowBits: Int { serverMaxWindowBits ?? 15 }

    /// The window bits the client compresses with at most.
    public var effectiveClientWindowBits: Int {
        if case .value(let bits) = clientMaxWindowBits { bits } else { 15 }
    }

    /// Parses an element, applying RFC 7692 §7.1's rules on parameters: every parameter known,
    /// none twice, the `*_no_context_takeover` ones without a value, window sizes `8`...`15`.
    ///
    /// - Parameter isResponse: `true` for a server's response, where `client_max_window_bits`
    ///   needs a value (§7.1.2.2).
    /// - Throws: ``PermessageDeflateNegotiationError``.
    public init(parsing element: WSExtensionOffer, isResponse: Bool) throws(PermessageDeflateNegotiationError) {
        guard element.name.lowercased() == Self.extensionName else { throw .notPermessageDeflate(element.name) }
        self.init()
        var seen: Set<String> = []
        for parameter in element.parameters {
            let name = parameter.name.lowercased()
            guard seen.insert(name).inserted else { throw .duplicateParameter(parameter.name) }
            switch name {
            case "server_no_context_takeover":
                guard parameter.value == nil else { throw .invalidValue(parameter: name, value: parameter.value) }
                serverNoContextTakeover = true
            case "client_no_context_takeover":
                guard parameter.value == nil else { throw .invalidValue(parameter: name, value: parameter.value) }
                clientNoContextTakeover = true
            case "server_max_window_bits":
                serverMaxWindowBits = try Self.windowBits(parameter.value, parameter: name)
            case "client_max_window_bits":
                if parameter.value == nil && !isResponse {
                    clientMaxWindowBits = .withoutValue
                } else {
                    clientMaxWindowBits = .value(try Self.windowBits(parameter.value, parameter: name))
                }
            default:
                throw .unknownParameter(parameter.name)
            }
        }
    }

    /// The element in `Sec-WebSocket-Extensions` form.
    public var element: WSExtensionOffer {
        var parameters: [WSExtensionOffer.Parameter] = []
        if serverNoContextTakeover { parameters.append(.init(name: "server_no_context_takeover")) }
        if clientNoContextTakeover { parameters.append(.init(name: "client_no_context_takeover")) }
        if let bits = serverMaxWindowBits { parameters.append(.init(name: "server_max_window_bits", value: "\(bits)")) }
        switch clientMaxWindowBits {
        case .absent: break
        case .withoutValue: parameters.append(.init(name: "client_max_window_bits"))
        case .value(let bits): parameters.append(.init(name: "client_max_window_bits", value: "\(bits)"))
        }
        return WSExtensionOffer(name: Self.extensionName, parameters: parameters)
    }

    /// A window size: exactly one of `8`...`15` (no sign, no leading zero, RFC 7692 §7.1.2).
    private static func windowBits(
        _ value: String?,
        parameter: String
    ) throws(PermessageDeflateNegotiationError) -> Int {
        guard let value, let bits = Int(value), (8...15).contains(bits), "\(bits)" == value else {
            throw .invalidValue(parameter: parameter, value: value)
        }
        return bits
    }
}
