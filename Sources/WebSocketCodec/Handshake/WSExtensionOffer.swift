/// One element of a `Sec-WebSocket-Extensions` header: an extension name and its parameters
/// (RFC 6455 §9.1), for example `permessage-deflate; client_max_window_bits`.
///
/// The handshake parses offers so that a host can negotiate an extension through
/// ``WSServerHandshake/Configuration/extensionNegotiator``; none is negotiated by default.
public struct WSExtensionOffer: Hashable, Sendable {
    /// One `name[=value]` parameter.
    public struct Parameter: Hashable, Sendable {
        /// The parameter name, a token.
        public var name: String
        /// The value, unquoted; `nil` for a parameter without `=`.
        public var value: String?

        /// Creates a parameter.
        public init(name: String, value: String? = nil) {
            self.name = name
            self.value = value
        }
    }

    /// The extension name, a token.
    public var name: String
    /// The parameters in order.
    public var parameters: [Parameter]

    /// Creates an extension element.
    public init(name: String, parameters: [Parameter] = []) {
        self.name = name
        self.parameters = parameters
    }

    /// The element in header form, for example `permessage-deflate; server_max_window_bits=10`; values that
    /// are not tokens are quoted.
    public var headerValue: String {
        var text = name
        for parameter in parameters {
            text += "; \(parameter.name)"
            if let value = parameter.value {
                if HTTPSyntax.isToken(value) {
                    text += "=\(value)"
                } else {
                    let escaped = value.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"")
                    text += "=\"\(escaped)\""
                }
            }
        }
        return text
    }

    /// Parses the values of every `Sec-WebSocket-Extensions` line, in order.
    /// - Throws: ``WSHandshakeError/invalidExtensionHeader(reason:)`` when a value breaks the grammar.
    public static func parse(headerValues: [String]) throws(WSHandshakeError) -> [WSExtensionOffer] {
        var offers: [WSExtensionOffer] = []
        for value in headerValues {
            var scanner = ExtensionHeaderScanner(Array(value.utf8))
            offers += try scanner.elements()
        }
        return offers
    }
}

/// A recursive-descent reader of `extension-list`.
private struct ExtensionHeaderScanner {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func elements() throws(WSHandshakeError) -> [WSExtensionOffer] {
        var offers: [WSExtensionOffer] = []
        while true {
            skipWhitespace()
            guard let byte = peek() else { return offers }
            if byte == UInt8(ascii: ",") {
                index += 1
                continue
            }
            var offer = WSExtensionOffer(name: try token("an extension name"))
            skipWhitespace()
            while peek() == UInt8(ascii: ";") {
                index += 1
                skipWhitespace()
                var parameter = WSExtensionOffer.Parameter(name: try token("a parameter name"))
                skipWhitespace()
                if peek() == UInt8(ascii: "=") {
                    index += 1
                    skipWhitespace()
                    parameter.value = peek() == UInt8(ascii: "\"") ? try quotedString() : try token("a parameter value")
                    skipWhitespace()
                }
                offer.parameters.append(parameter)
            }
            offers.append(offer)
            if let next = peek() {
                guard next == UInt8(ascii: ",") else {
                    throw .invalidExtensionHeader(reason: "expected ',' or ';' at offset \(index).")
                }
                index += 1
            }
        }
    }

    private func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), HTTPSyntax.isWhitespace(byte) { index += 1 }
    }

    private mutating func token(_ what: String) throws(WSHandshakeError) -> String {
        let start = index
        while let byte = peek(), HTTPSyntax.isTokenCharacter(byte) { index += 1 }
        guard index > start else {
            throw .invalidExtensionHeader(reason: "expected \(what) at offset \(start).")
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func quotedString() throws(WSHandshakeError) -> String {
        let start = index
        index += 1
        var content: [UInt8] = []
        while let byte = peek() {
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: content, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let escaped = peek() else { break }
                content.append(escaped)
                index += 1
            default:
                content.append(byte)
            }
        }
        throw .invalidExtensionHeader(reason: "unterminated quoted string at offset \(start).")
    }
}
