import Testing
import WebSocketCodec

@Suite("Response status codes")
struct HandshakeStatusCodeTests {
    @Test(arguments: ["000", "011", "099", "600", "999"])
    func rejectsStatusCodesOutsideTheFiveClasses(_ code: String) {
        var parser = HTTP1ResponseHeadParser()
        #expect(throws: HTTP1HeadError.self) { try parser.parse(Array("HTTP/1.1 \(code) X\r\n\r\n".utf8)) }
    }

    @Test(arguments: [100, 101, 200, 426, 599])
    func acceptsStatusCodesInTheFiveClasses(_ code: Int) throws {
        var parser = HTTP1ResponseHeadParser()
        let result = try parser.parse(Array("HTTP/1.1 \(code) X\r\n\r\n".utf8))
        guard case .complete(let head, _) = result else {
            Issue.record("the status line did not complete")
            return
        }
        #expect(head.status.code == code)
    }
}
