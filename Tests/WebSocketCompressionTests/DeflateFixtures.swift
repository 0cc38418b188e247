import WebSocketCodec
import WebSocketCompression

enum DeflateFixtures {
    static let hello = Array("Hello".utf8)

    /// A client connection that negotiated the given parameters, compressing everything.
    static func client(
        _ parameters: PermessageDeflateParameters = PermessageDeflateParameters(),
        maxMessageSize: Int = 1 << 20
    ) -> WSConnection {
        WSConnection(
            role: .client,
            configuration: WSConfiguration(maxMessageSize: maxMessageSize),
            extensions: [PermessageDeflate(role: .client, parameters: parameters, configuration: everything)]
        )
    }

    /// A server connection that negotiated the given parameters, compressing everything.
    static func server(
        _ parameters: PermessageDeflateParameters = PermessageDeflateParameters(),
        maxMessageSize: Int = 1 << 20,
        configuration: PermessageDeflateConfiguration = everything
    ) -> WSConnection {
        WSConnection(
            role: .server,
            configuration: WSConfiguration(maxMessageSize: maxMessageSize),
            extensions: [PermessageDeflate(role: .server, parameters: parameters, configuration: configuration)]
        )
    }

    /// Compresses every message, however short.
    static let everything = PermessageDeflateConfiguration(minimumMessageSize: 0)

    /// JSON-like text that compresses well.
    static func json(count: Int, seed: UInt64 = 1) -> [UInt8] {
        var generator = SplitMix(seed: seed)
        var text = "["
        while text.utf8.count < count {
            let id = generator.next() % 10_000
            text += #"{"id":\#(id),"topic":"prices.\#(id % 7)","price":\#(generator.next() % 1000).5},"#
        }
        return Array(text.utf8.prefix(count))
    }

    /// The close code of the (masked) close frame a client wrote.
    static func closeCode(inClientOutput output: [UInt8]) -> Int? {
        guard output.count >= 8, output[0] == 0x88, output[1] & 0x80 != 0 else { return nil }
        let key = output[2..<6].map { $0 }
        return Int(output[6] ^ key[0]) << 8 | Int(output[7] ^ key[1])
    }

    /// Bytes that do not compress.
    static func noise(count: Int, seed: UInt64 = 2) -> [UInt8] {
        var generator = SplitMix(seed: seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    }
}

/// SplitMix64, so that random cases replay.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
