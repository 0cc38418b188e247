/// Chooses the WebSocket subprotocol to answer a handshake with, from the raw
/// `Sec-WebSocket-Protocol` value(s) a client sent.
///
/// For hosts whose framework hands over the header as text (Hummingbird, Vapor): the server's
/// preference wins, names compare exactly (RFC 6455 §4.2.2 tokens are case-sensitive), and a header
/// repeated on several lines counts as one comma-separated list.
public enum SubprotocolSelection {
    /// The first of `supported` that the client offered, or `nil`.
    ///
    /// - Parameters:
    ///   - offered: Each `Sec-WebSocket-Protocol` value the client sent, as received.
    ///   - supported: The server's subprotocols, most preferred first.
    public static func select(offered: [String], supported: [String]) -> String? {
        var tokens = Set<Substring>()
        for value in offered {
            for token in value.split(separator: ",") {
                tokens.insert(token.trimmingSpacesAndTabs())
            }
        }
        return supported.first { tokens.contains(Substring($0)) }
    }

    /// The first of `supported` that a single header value offers, or `nil`.
    public static func select(offered: String?, supported: [String]) -> String? {
        guard let offered else { return nil }
        return select(offered: [offered], supported: supported)
    }
}

extension Substring {
    fileprivate func trimmingSpacesAndTabs() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}
