import Foundation

/// decode, connection, encode, unmask, memcpy and UTF-8 cases.
enum CodecCases {
    static let sizes: [(label: String, bytes: Int)] = [
        ("16B", 16), ("1KiB", 1024), ("64KiB", 64 * 1024), ("1MiB", 1024 * 1024),
    ]

    static var all: [Case] {
        var cases: [Case] = []
        // "Keep" the ratios the sceptic's harness measured before (issue 14), and from 64 KiB up stay
        // within 1.5x of copying into fresh memory (added at run time, see `decode(payloadSize:)`).
        let keep: [Int: Double] = [16: 6.9, 1024: 15, 64 * 1024: 22, 1024 * 1024: 19]
        for size in sizes {
            cases.append(
                Case(name: "decode.masked.\(size.label)", unit: "MB/s", target: .ratio(keep[size.bytes] ?? 4)) {
                    try await decode(payloadSize: size.bytes)
                })
        }
        for size in sizes.dropFirst(2) {
            cases.append(
                Case(name: "memcpy.fresh.\(size.label)", unit: "MB/s", target: nil) {
                    Measured(ours: try await MemcpyReference.shared.rate(payloadSize: size.bytes), peer: nil)
                })
        }
        for size in sizes {
            cases.append(
                Case(
                    name: "connection.text.\(size.label)", unit: "MB/s",
                    target: size.bytes >= 1024 ? .ratio(6) : nil
                ) {
                    try await connection(payloadSize: size.bytes)
                })
        }
        cases.append(
            Case(
                name: "encode.broadcast.1KiBx1000", unit: "broadcasts/s",
                target: .all([.ratio(4), .allocationsAtMost(1)])
            ) {
                try await broadcast(perChannel: false)
            })
        cases.append(
            Case(name: "encode.broadcast.1KiBx1000.per_channel", unit: "broadcasts/s", target: .allocationsAtMost(1)) {
                try await broadcast(perChannel: true)
            })
        cases.append(
            Case(name: "unmask.64KiB", unit: "MB/s", target: .atLeastAndRatio(10_000, 5)) { try await unmask() })
        cases.append(
            Case(name: "utf8.validate.ascii.64KiB", unit: "MB/s", target: .ratio(1)) {
                try await utf8(Fixtures.asciiText(64 * 1024))
            })
        cases.append(
            Case(name: "utf8.validate.mixed.64KiB", unit: "MB/s", target: .ratio(3)) {
                try await utf8(Fixtures.mixedText(64 * 1024))
            })
        return cases
    }

    /// The stream for a decode case: at least 16 MiB, more for 1 MiB frames so that there are 16.
    static func stream(payloadSize: Int, text: Bool = false) -> Fixtures.Stream {
        Fixtures.maskedStream(payloadSize: payloadSize, totalPayload: Fixtures.streamBytes, text: text)
    }

    /// Server-role decoding of a 16 MiB stream of masked binary frames fed in 64 KiB reads; the rate
    /// counts payload bytes handed out unmasked, every byte summed and checked on both sides. From
    /// 64 KiB up the target is also to stay within 1.5x of copying the payloads into fresh memory.
    static func decode(payloadSize: Int) async throws -> Measured {
        let stream = stream(payloadSize: payloadSize)
        let peer = try decodePeer(stream)
        let ours = try decodeOurs(stream)
        var result = try await measure(ours: ours, peer: peer)
        if payloadSize >= 64 * 1024 {
            let copy = try await MemcpyReference.shared.rate(payloadSize: payloadSize)
            result.target = .all([.ratio(payloadSize == 64 * 1024 ? 22 : 19), .atLeast(copy / 1.5)])
        }
        return result
    }

    // The rigs are made in functions of their own: with both in one async function the 6.3.1
    // optimizer crashes (ARCSequenceOpts).
    @inline(never)
    static func decodePeer(_ stream: Fixtures.Stream, aggregating: Bool = false) throws -> Side {
        let rig = try NIOPeers.Decoding(wire: stream.wire, maxFrameSize: 1 << 24, aggregating: aggregating)
        return Side(operations: Double(stream.frames)) { iterations in
            let (bytes, sum) = rig.run(iterations)
            checkDecoded("NIO", sum: sum, bytes: bytes, expected: stream, passes: iterations)
            return Double(bytes) / megabyte
        }
    }

    @inline(never)
    static func decodeOurs(_ stream: Fixtures.Stream) throws -> Side {
        let rig = OurCodec.Decoding(wire: stream.wire, maxFrameSize: 1 << 24)
        return Side(operations: Double(stream.frames)) { iterations in
            let (bytes, sum) = try rig.run(iterations)
            checkDecoded("our decoder", sum: sum, bytes: bytes, expected: stream, passes: iterations)
            return Double(bytes) / megabyte
        }
    }

    /// A whole server connection over 64 KiB reads of masked text frames of mixed UTF-8: ours is
    /// `WSConnection.receive`, NIO's the decoder behind `ByteToMessageHandler`, the frame aggregator and
    /// `UTF8Span(validating:)`; both sum every byte of every message handed out.
    static func connection(payloadSize: Int) async throws -> Measured {
        let stream = stream(payloadSize: payloadSize, text: true)
        let peer = try decodePeer(stream, aggregating: true)
        let ours = connectionOurs(stream)
        return try await measure(ours: ours, peer: peer)
    }

    @inline(never)
    static func connectionOurs(_ stream: Fixtures.Stream) -> Side {
        let rig = OurCodec.Connection(wire: stream.wire)
        return Side(operations: Double(stream.frames)) { iterations in
            let (bytes, sum) = rig.run(iterations)
            checkDecoded("our connection", sum: sum, bytes: bytes, expected: stream, passes: iterations)
            return Double(bytes) / megabyte
        }
    }

    /// One 1 KiB text message to 1,000 receivers: ours encodes it once with
    /// `WSFrameEncoder.serverFrame` and hands the same array to each; NIO's encoder runs once (its
    /// header buffer and the payload handed to each) or once per receiver.
    static func broadcast(perChannel: Bool) async throws -> Measured {
        let recipients = 1_000
        let payload = Fixtures.textPayload(1024, frame: 0)
        let peer = try broadcastPeer(payload, recipients: recipients, perChannel: perChannel)
        let ours = broadcastOurs(payload, recipients: recipients)
        return try await measure(ours: ours, peer: peer)
    }

    @inline(never)
    static func broadcastPeer(_ payload: [UInt8], recipients: Int, perChannel: Bool) throws -> Side {
        let rig = try NIOPeers.Broadcast(payload: payload, recipients: recipients)
        return Side { iterations in
            Double(perChannel ? rig.runPerChannel(iterations) : rig.runOnce(iterations))
        }
    }

    @inline(never)
    static func broadcastOurs(_ payload: [UInt8], recipients: Int) -> Side {
        let rig = OurCodec.Broadcast(payload: payload, recipients: recipients)
        _ = rig.run(1)
        precondition(
            rig.receivers.allSatisfy {
                $0.count == payload.count + 4 && $0.suffix(payload.count).elementsEqual(payload)
            })
        return Side { Double(rig.run($0)) }
    }

    /// Unmasking a 64 KiB buffer in place, repeatedly (it stays in cache).
    static func unmask() async throws -> Measured {
        let size = 64 * 1024
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 64)
        defer { buffer.deallocate() }
        buffer.copyBytes(from: Fixtures.payload(size))
        let key: (UInt8, UInt8, UInt8, UInt8) = (0x37, 0xFA, 0x21, 0x3D)
        let peer = Side { iterations in
            for _ in 0..<iterations { PeerKernels.unmaskBytewise(buffer, key: key) }
            blackHole(buffer[size - 1])
            return Double(iterations * size) / megabyte
        }
        let ours = Side { iterations in
            for _ in 0..<iterations { OurCodec.unmask(buffer, key: key) }
            blackHole(buffer[size - 1])
            return Double(iterations * size) / megabyte
        }
        return try await measure(ours: ours, peer: peer)
    }

    /// Validating 64 KiB of UTF-8: ours, against the standard library's copy-free `UTF8Span(validating:)`.
    static func utf8(_ bytes: [UInt8]) async throws -> Measured {
        precondition(PeerKernels.validateWithUTF8Span(bytes), "fixture is not valid UTF-8")
        precondition(OurCodec.validateUTF8(bytes), "our validator rejects valid UTF-8")
        let peer = Side { iterations in
            var valid = 0
            for _ in 0..<iterations where PeerKernels.validateWithUTF8Span(bytes) { valid &+= 1 }
            precondition(valid == iterations)
            return Double(iterations * bytes.count) / megabyte
        }
        let ours = Side { iterations in
            var valid = 0
            for _ in 0..<iterations where OurCodec.validateUTF8(bytes) { valid &+= 1 }
            precondition(valid == iterations)
            return Double(iterations * bytes.count) / megabyte
        }
        return try await measure(ours: ours, peer: peer)
    }
}

/// The rate of copying a 16 MiB stream's payloads, `payloadSize` bytes at a time, into fresh memory:
/// one new array per payload, as a decoder hands out. Measured once per size and shared by the
/// `memcpy.fresh.*` lines and the decode targets that refer to it.
actor MemcpyReference {
    static let shared = MemcpyReference()
    private var rates: [Int: Double] = [:]

    func rate(payloadSize: Int) async throws -> Double {
        if let rate = rates[payloadSize] { return rate }
        let source = Fixtures.payload(Fixtures.streamBytes)
        let rate = try await measureRate { iterations in
            var copied = 0
            source.withUnsafeBytes { whole in
                for _ in 0..<iterations {
                    var start = 0
                    while start < whole.count {
                        let end = min(whole.count, start + payloadSize)
                        let copy = [UInt8](UnsafeRawBufferPointer(rebasing: whole[start..<end]))
                        copied &+= copy.count
                        blackHole(copy)
                        start = end
                    }
                }
            }
            return Double(copied) / megabyte
        }
        rates[payloadSize] = rate
        return rate
    }
}
