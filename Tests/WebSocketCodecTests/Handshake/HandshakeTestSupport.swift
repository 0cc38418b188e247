@testable import WebSocketCodec

/// Fixtures and helpers shared by the handshake suites.
enum HandshakeFixtures {
    /// The client request of RFC 6455 §1.2.
    static let rfcRequest =
        "GET /chat HTTP/1.1\r\n"
        + "Host: server.example.com\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        + "Origin: http://example.com\r\n"
        + "Sec-WebSocket-Protocol: chat, superchat\r\n"
        + "Sec-WebSocket-Version: 13\r\n"
        + "\r\n"

    /// The server response of RFC 6455 §1.2.
    static let rfcResponse =
        "HTTP/1.1 101 Switching Protocols\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
        + "Sec-WebSocket-Protocol: chat\r\n"
        + "\r\n"

    /// The headers of a valid upgrade request, to be altered by rejection tests.
    static let validHeaders: HTTP1Headers = [
        "Host": "server.example.com",
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version": "13",
    ]

    /// A valid upgrade request with headers removed and then added.
    static func request(
        method: String = "GET",
        version: HTTP1Version = .http11,
        removing removed: [String] = [],
        adding added: HTTP1Headers = [:]
    ) -> HTTP1RequestHead {
        var headers = validHeaders
        for name in removed {
            headers.remove(name: name)
        }
        for field in added {
            headers.add(field)
        }
        return HTTP1RequestHead(method: method, target: "/chat", version: version, headers: headers)
    }

    /// Feeds `bytes` in one call and returns the head and the consumed count.
    static func parseRequest(
        _ bytes: [UInt8],
        maximumHeadSize: Int = HTTP1RequestHeadParser.defaultMaximumHeadSize
    ) throws(HTTP1HeadError) -> (head: HTTP1RequestHead, consumed: Int)? {
        var parser = HTTP1RequestHeadParser(maximumHeadSize: maximumHeadSize)
        guard case .complete(let head, let consumed) = try parser.parse(bytes) else { return nil }
        return (head, consumed)
    }

    /// Feeds `bytes` in one call to a fresh parser and returns the error it throws, if any.
    static func requestError(_ text: String, maximumHeadSize: Int = 16_384) -> HTTP1HeadError? {
        do {
            _ = try parseRequest(Array(text.utf8), maximumHeadSize: maximumHeadSize)
            return nil
        } catch {
            return error
        }
    }

    /// Lowercase hex of bytes.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] })
    }

    /// The response text of a result, for readable failure messages.
    static func text(_ result: WSServerHandshakeResult) -> String {
        String(decoding: result.response, as: UTF8.self)
    }
}

/// A deterministic generator (SplitMix64) so that client keys are known in tests.
struct HandshakeSeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

/// A generator that returns fixed words, to pin the exact key bytes.
struct HandshakeFixedGenerator: RandomNumberGenerator {
    var words: [UInt64]

    mutating func next() -> UInt64 {
        words.isEmpty ? 0 : words.removeFirst()
    }
}
