import CZlibDirect
import WebSocketCodec
import WebSocketCompression

/// permessage-deflate: the wrapper's cost against zlib called directly, and a broadcast compressed
/// once against compressed per connection.
enum DeflateCases {
    static let sizes: [(label: String, bytes: Int)] = [("1KiB", 1024), ("64KiB", 64 * 1024)]
    /// The server's settings in both sides of every case: window 15, memLevel 8, level 6, no
    /// context takeover, so each message compresses alone.
    static let configuration = PermessageDeflateConfiguration()
    static let parameters = PermessageDeflateParameters(serverNoContextTakeover: true, clientNoContextTakeover: true)
    static let recipients = 1000

    static var all: [Case] {
        var cases: [Case] = []
        for size in sizes {
            cases.append(
                Case(name: "deflate.json.\(size.label)", unit: "MB/s", target: .ratio(0.9)) {
                    try await deflateRate(size.bytes)
                })
            cases.append(
                Case(name: "inflate.json.\(size.label)", unit: "MB/s", target: .ratio(0.9)) {
                    try await inflateRate(size.bytes)
                })
        }
        cases.append(
            Case(name: "fanout.deflate.1KiB.x1000", unit: "publishes/s", target: .ratio(5)) {
                try await fanout()
            })
        cases.append(
            Case(name: "fanout.deflate.1KiB.bytes-saved-per-publish", unit: "bytes", target: nil) {
                (bytesSaved(), nil)
            })
        return cases
    }

    /// JSON messages of exactly `count` bytes, different from one another.
    static func json(_ count: Int, seed: Int) -> [UInt8] {
        var state = UInt64(truncatingIfNeeded: seed) &* 0x9E37_79B9_7F4A_7C15 | 1
        func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        var text = "["
        while text.utf8.count < count {
            let id = next() % 100_000
            text += #"{"id":\#(id),"topic":"prices.\#(id % 13)","bid":\#(next() % 10_000).\#(next() % 100),"#
            text += #""ask":\#(next() % 10_000).\#(next() % 100),"venue":"\#(["XNAS", "XNYS", "BATS"][Int(id % 3)])"},"#
        }
        return Array(text.utf8.prefix(count))
    }

    static func messages(_ size: Int) -> [[UInt8]] {
        (0..<16).map { json(size, seed: $0) }
    }

    // MARK: deflate / inflate against zlib

    static func deflateRate(_ size: Int) async throws -> (Double?, Double?) {
        let inputs = messages(size)
        var deflate = PermessageDeflate(role: .server, parameters: parameters, configuration: configuration)
        let ours: Workload = { iterations in
            var bytes = 0
            for index in 0..<iterations {
                let input = inputs[index % inputs.count]
                let message = deflate.encode(WSExtensionMessage(opcode: .text, payload: input))
                blackHole(message)
                bytes += input.count
            }
            return Double(bytes) / megabyte
        }
        let zlib = DirectDeflater()
        let peer: Workload = { iterations in
            var bytes = 0
            for index in 0..<iterations {
                let input = inputs[index % inputs.count]
                blackHole(zlib.compress(input))
                bytes += input.count
            }
            return Double(bytes) / megabyte
        }
        return try await measurePair(ours: ours, peer: peer)
    }

    static func inflateRate(_ size: Int) async throws -> (Double?, Double?) {
        let inputs = messages(size)
        let zlib = DirectDeflater()
        let compressed = inputs.map { zlib.compress($0) }
        var inflate = PermessageDeflate(role: .client, parameters: parameters, configuration: configuration)
        let ours: Workload = { iterations in
            var bytes = 0
            for index in 0..<iterations {
                let message = WSExtensionMessage(
                    opcode: .text, reservedBits: .rsv1, payload: compressed[index % compressed.count])
                let decoded = try inflate.decode(message, maxPayloadLength: 1 << 20)
                bytes += decoded.payload.count
            }
            return Double(bytes) / megabyte
        }
        let direct = DirectInflater()
        let peer: Workload = { iterations in
            var bytes = 0
            for index in 0..<iterations {
                bytes += direct.inflate(compressed[index % compressed.count], capacity: size)
            }
            return Double(bytes) / megabyte
        }
        return try await measurePair(ours: ours, peer: peer)
    }

    // MARK: fan-out

    /// Publishes of one 1 KiB message to 1000 deflate receivers per second: compressed once
    /// (`PreparedDeflateCompressor`, the same frame bytes for all) against each receiver's own
    /// `WSConnection` compressing it. Writing is not counted on either side.
    static func fanout() async throws -> (Double?, Double?) {
        let inputs = messages(1024)
        var compressor = PreparedDeflateCompressor(configuration: configuration)
        let ours: Workload = { iterations in
            for index in 0..<iterations {
                let prepared = compressor.prepare(opcode: .text, payload: inputs[index % inputs.count])
                var written = 0
                for _ in 0..<recipients {
                    written &+= prepared.frame(for: parameters)?.count ?? 0
                }
                blackHole(written)
            }
            return Double(iterations)
        }
        var connections = (0..<recipients).map { _ in
            WSConnection(
                role: .server,
                extensions: [PermessageDeflate(role: .server, parameters: parameters, configuration: configuration)])
        }
        let peer: Workload = { iterations in
            for index in 0..<iterations {
                let input = inputs[index % inputs.count]
                var written = 0
                for receiver in connections.indices {
                    written &+= try connections[receiver].sendText(utf8: input).count
                }
                blackHole(written)
            }
            return Double(iterations)
        }
        return try await measurePair(samples: 5, sampleSeconds: 0.2, ours: ours, peer: peer)
    }

    /// Bytes on the wire saved per publish of a 1 KiB JSON message to 1000 deflate receivers.
    static func bytesSaved() -> Double {
        var compressor = PreparedDeflateCompressor(configuration: configuration)
        let inputs = messages(1024)
        let saved = inputs.map { compressor.prepare(opcode: .text, payload: $0).bytesSaved }
        let average = Double(saved.reduce(0, +)) / Double(saved.count)
        note("fanout.deflate.1KiB: \(Int(average)) of \(1024 + 4) frame bytes saved per receiver")
        return average * Double(recipients)
    }
}

/// zlib called directly, as a server without a wrapper would: raw deflate, sync flush, tail
/// removed, reset after each message, output into a reused buffer.
final class DirectDeflater {
    private var stream = z_stream()
    private var buffer = [UInt8](repeating: 0, count: 1 << 18)

    init() {
        let status = deflateInit2_(
            &stream, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK)
    }

    deinit { deflateEnd(&stream) }

    func compress(_ input: [UInt8]) -> [UInt8] {
        var input = input
        let produced = input.withUnsafeMutableBytes { source in
            buffer.withUnsafeMutableBytes { target in
                stream.next_in = source.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(target.count)
                let status = deflate(&stream, Z_SYNC_FLUSH)
                precondition(status == Z_OK)
                return target.count - Int(stream.avail_out)
            }
        }
        deflateReset(&stream)
        return Array(buffer[0..<(produced - 4)])
    }
}

/// zlib inflate called directly into a reused buffer, the tail appended, reset after each message.
final class DirectInflater {
    private var stream = z_stream()
    private var buffer = [UInt8](repeating: 0, count: 1 << 18)
    private static let tail: [UInt8] = [0, 0, 0xFF, 0xFF]

    init() {
        let status = inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK)
    }

    deinit { inflateEnd(&stream) }

    func inflate(_ input: [UInt8], capacity: Int) -> Int {
        var produced = 0
        for var part in [input, Self.tail] {
            produced += part.withUnsafeMutableBytes { source in
                buffer.withUnsafeMutableBytes { target in
                    stream.next_in = source.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.avail_in = uInt(source.count)
                    stream.next_out = target.baseAddress!.advanced(by: produced).assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(target.count - produced)
                    let status = CZlibDirect.inflate(&stream, Z_SYNC_FLUSH)
                    precondition(status == Z_OK || status == Z_BUF_ERROR)
                    return target.count - produced - Int(stream.avail_out)
                }
            }
        }
        inflateReset(&stream)
        precondition(produced == capacity)
        return produced
    }
}
