import Testing
import WebSocketCodec

@Suite("Extensions")
struct ExtensionTests {
    @Test("an extension's bits are accepted and its transformation is applied on receive")
    func decodesThroughExtension() {
        var connection = WSConnection(role: .server, extensions: [ReversingExtension()])
        let wire = CodecFixtures.rawFrame(0xC1, payload: Array("olleH".utf8), key: CodecFixtures.rfcKey)
        #expect(connection.receive(wire).events == [.text("Hello")])
    }

    @Test("UTF-8 is validated after the extension decodes the message")
    func validatesDecodedText() {
        var connection = WSConnection(role: .server, extensions: [ReversingExtension()])
        // "é" reversed on the wire is not UTF-8, but the decoded message is.
        let wire = CodecFixtures.rawFrame(0xC1, payload: [0xA9, 0xC3], key: CodecFixtures.rfcKey)
        #expect(connection.receive(wire).events == [.text("é")])
        let invalid = CodecFixtures.rawFrame(0xC1, payload: [0xC3, 0xA9], key: CodecFixtures.rfcKey)
        #expect(connection.receive(invalid).events == [.protocolError(WSProtocolError(.invalidUTF8))])
    }

    @Test("messages without the extension's bits pass through untouched")
    func plainMessagesPassThrough() {
        var connection = WSConnection(role: .server, extensions: [ReversingExtension()])
        let wire = CodecFixtures.rawFrame(0x82, payload: [1, 2, 3], key: CodecFixtures.rfcKey)
        #expect(connection.receive(wire).events == [.binary([1, 2, 3])])
    }

    @Test("a fragmented message is decoded once, as a whole")
    func fragmentedMessageDecodedAsWhole() {
        var connection = WSConnection(role: .server, extensions: [ReversingExtension()])
        let wire =
            CodecFixtures.rawFrame(0x42, payload: [4, 3], key: CodecFixtures.rfcKey)
            + CodecFixtures.rawFrame(0x80, payload: [2, 1], key: CodecFixtures.rfcKey)
        #expect(connection.receive(wire).events == [.binary([1, 2, 3, 4])])
    }

    @Test("bits no extension claims are still rejected")
    func unclaimedBitsRejected() {
        var connection = WSConnection(role: .server, extensions: [ReversingExtension()])
        let wire = CodecFixtures.rawFrame(0xA1, payload: [0x61], key: CodecFixtures.rfcKey)
        #expect(connection.receive(wire).events == [.protocolError(WSProtocolError(.reservedBitsSet(.rsv2)))])
    }

    @Test("sending applies the extension and sets its bits")
    func encodesThroughExtension() throws {
        var connection = WSConnection(role: .server, extensions: [ReversingExtension()])
        #expect(try connection.sendText("abc") == [0xC1, 0x03, 0x63, 0x62, 0x61])
        #expect(try connection.sendPing([1, 2]) == [0x89, 0x02, 0x01, 0x02])
    }

    @Test("an extension failure fails the connection with the extension's close code")
    func extensionFailureClosesConnection() {
        var connection = WSConnection(role: .server, extensions: [ReversingExtension()])
        let wire = CodecFixtures.rawFrame(0xC2, payload: [1, 0xFF], key: CodecFixtures.rfcKey)
        let result = connection.receive(wire)
        let error = WSProtocolError(
            .extensionFailure(extensionName: "x-reverse", reason: "poisoned payload", closeCode: .unsupportedData)
        )
        #expect(result.events == [.protocolError(error)])
        #expect(Array(result.output[2..<4]) == [0x03, 0xEB])
    }

    @Test("two connections with the extension round-trip messages")
    func roundTrip() throws {
        var client = WSConnection(role: .client, extensions: [ReversingExtension()])
        var server = WSConnection(role: .server, extensions: [ReversingExtension()])
        let bytes = try client.sendText("round trip") + client.sendBinary([0, 1, 2])
        #expect(server.receive(bytes).events == [.text("round trip"), .binary([0, 1, 2])])
    }
}
