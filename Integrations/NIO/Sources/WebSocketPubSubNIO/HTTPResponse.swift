import NIOCore
import WebSocketPubSub

/// A small HTTP/1.1 response, written with `Connection: close`: the example serves one request per
/// plain-HTTP connection, which keeps the request parser free of pipelining state.
struct HTTPResponse: Sendable {
    var status: Int
    var reason: String
    var headers: [(String, String)] = []
    var body: [UInt8] = []

    static func json(_ status: Int, _ reason: String, _ body: String) -> HTTPResponse {
        HTTPResponse(
            status: status, reason: reason, headers: [("Content-Type", "application/json")], body: Array(body.utf8))
    }

    /// `{"error":"…"}` with the message JSON-escaped.
    static func error(_ status: Int, _ reason: String, _ message: String) -> HTTPResponse {
        json(status, reason, "{\"error\":\(JSONEscaping.quoted(message))}")
    }

    /// The standard phrase for the statuses an authorizer or the server itself may answer with.
    static func reasonPhrase(for status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 413: "Content Too Large"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: status < 500 ? "Client Error" : "Server Error"
        }
    }

    func write(into buffer: inout ByteBuffer) {
        buffer.writeString("HTTP/1.1 \(status) \(reason)\r\n")
        for (name, value) in headers { buffer.writeString("\(name): \(value)\r\n") }
        buffer.writeString("Content-Length: \(body.count)\r\nConnection: close\r\n\r\n")
        buffer.writeBytes(body)
    }
}
