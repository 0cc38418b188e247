import Testing
import WebSocketCodec

/// Inputs found by `Fuzz/Targets/ClientHandshake.swift` that broke a property of the status-line parser.
@Suite("Regression: HTTP status line")
struct StatusLineRegressionTests {
    /// `HTTP/1.1 011 ...` parsed as status 11, which `encoded()` writes as `HTTP/1.1 11 ...`, a line
    /// the parser then rejects. A parsed head must re-encode to bytes that parse back to the same head
    /// (or a status code outside 100...599 must not parse at all).
    @Test(arguments: ["HTTP/1.1 011 Switching Protocols\r\n\r\n", "HTTP/1.1 000\r\nUpgrade: websocket\r\n\r\n"])
    func parsedStatusLineRoundTripsThroughEncoding(_ response: String) throws {
        var parser = HTTP1ResponseHeadParser()
        guard case .complete(let head, _)? = try? parser.parse(Array(response.utf8)) else { return }
        let encoded = head.encoded()
        var again = HTTP1ResponseHeadParser()
        #expect(try again.parse(encoded) == .complete(head, consumed: encoded.count))
    }
}
