import Testing
import WebSocketCodec

@Suite("HTTP headers and heads")
struct HandshakeHTTPHeadersTests {
    @Test func looksUpNamesCaseInsensitively() {
        let headers: HTTP1Headers = [
            "Content-Length": "12", "content-length": "13", "Connection": "keep-alive, Upgrade",
        ]
        #expect(headers["CONTENT-LENGTH"] == "12")
        #expect(headers.values(for: "content-length") == ["12", "13"])
        #expect(headers.contains(name: "connection"))
        #expect(!headers.contains(name: "upgrade"))
        #expect(headers.containsToken("upgrade", for: "CONNECTION"))
        #expect(!headers.containsToken("keep", for: "Connection"))
    }

    @Test func replacesAndRemovesEveryFieldOfAName() {
        var headers: HTTP1Headers = ["A": "1", "B": "2", "a": "3"]
        headers.replaceOrAdd(name: "a", value: "9")
        #expect(headers.fields == [.init(name: "A", value: "9"), .init(name: "B", value: "2")])
        headers.replaceOrAdd(name: "C", value: "4")
        #expect(headers.fields.last == .init(name: "C", value: "4"))
        headers.remove(name: "b")
        #expect(headers.fields.map(\.name) == ["A", "C"])
    }

    @Test func encodesRequestHeadExactly() {
        let head = HTTP1RequestHead(method: "GET", target: "/stats", headers: ["Host": "localhost:8080"])
        #expect(head.encoded() == Array("GET /stats HTTP/1.1\r\nHost: localhost:8080\r\n\r\n".utf8))
    }

    @Test func encodesResponseWithBodyExactly() {
        let head = HTTP1ResponseHead(status: .ok, headers: ["Content-Length": "2"])
        #expect(head.encoded(body: Array("{}".utf8)) == Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}".utf8))
    }

    @Test func cannotInjectHeaderLinesWhenEncoding() {
        let head = HTTP1ResponseHead(
            status: .ok,
            headers: ["X-Value": "a\r\nSet-Cookie: evil", "Bad Name": "x", "X-Nul": "a\u{0}b"]
        )
        #expect(
            head.encoded() == Array("HTTP/1.1 200 OK\r\nX-Value: a  Set-Cookie: evil\r\nX-Nul: a b\r\n\r\n".utf8)
        )
    }
}
