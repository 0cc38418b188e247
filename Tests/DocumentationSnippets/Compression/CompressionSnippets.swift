import WebSocketCodec
import WebSocketCompression

/// Compression.md, "Negotiation": the server side of the handshake with permessage-deflate.
func negotiateDeflate(head: HTTP1RequestHead, limits: WSConfiguration) throws -> WSConnection? {
    let deflate = PermessageDeflateConfiguration()  // windows 15, server_no_context_takeover, 256-byte minimum
    let handshake = WSServerHandshake(configuration: .init(extensionNegotiator: deflate.serverNegotiator))
    guard case .accept(let response, _, let extensions) = handshake.respond(to: head) else { return nil }
    let negotiated = try extensions.map {
        try PermessageDeflate(role: .server, agreedElement: $0, configuration: deflate)
    }
    var connection = WSConnection(role: .server, configuration: limits, extensions: negotiated)
    _ = (response, try connection.sendPing())
    return connection
}

/// One receiver of a broadcast, as a host keeps it.
struct Receiver {
    var connection: WSConnection
    var deflateParameters: PermessageDeflateParameters?
    var written: [[UInt8]] = []

    mutating func write(_ frame: [UInt8]) { written.append(frame) }
}

/// Compression.md, "Compressing a broadcast once".
func broadcast(_ bytes: [UInt8], to receivers: inout [Receiver], deflate: PermessageDeflateConfiguration) throws {
    var compressor = PreparedDeflateCompressor(configuration: deflate)
    let prepared = compressor.prepare(opcode: .text, payload: bytes)  // once per published message
    for index in receivers.indices where receivers[index].connection.state == .open {
        var receiver = receivers[index]
        if let frame = prepared.frame(for: receiver.deflateParameters) {  // nil parameters: no deflate
            receiver.write(frame)  // shared bytes
        } else {
            receiver.write(try receiver.connection.sendText(utf8: bytes))  // context takeover: per connection
        }
        receivers[index] = receiver
    }
}
