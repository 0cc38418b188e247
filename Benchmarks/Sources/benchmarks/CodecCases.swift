import Foundation

/// decode, encode, unmask, memcpy and UTF-8 cases.
enum CodecCases {
    static let sizes: [(label: String, bytes: Int)] = [
        ("16B", 16), ("1KiB", 1024), ("64KiB", 64 * 1024), ("1MiB", 1024 * 1024),
    ]

    static var all: [Case] {
        var cases: [Case] = []
        for size in sizes {
            let target: Target = size.bytes >= 64 * 1024 ? .ratio(4) : .ratio(3)
            cases.append(
                Case(name: "decode.masked.\(size.label)", unit: "MB/s", target: target) {
                    try await decode(payloadSize: size.bytes)
                })
        }
        for size in sizes {
            cases.append(
                Case(name: "encode.\(size.label)", unit: "MB/s", target: .ratio(0.9)) {
                    try await encode(payloadSize: size.bytes, masked: false)
                })
        }
        cases.append(
            Case(name: "encode.masked.64KiB", unit: "MB/s", target: .ratio(4)) {
                try await encode(payloadSize: 64 * 1024, masked: true)
            })
        cases.append(
            Case(name: "unmask.64KiB", unit: "MB/s", target: .atLeastAndRatio(10_000, 5)) { try await unmask() })
        cases.append(Case(name: "memcpy.64KiB", unit: "MB/s", target: nil) { (try await memcpyRate(), nil) })
        cases.append(
            Case(name: "utf8.validate.ascii.64KiB", unit: "MB/s", target: .atLeast(10_000)) {
                try await utf8(Fixtures.asciiText(64 * 1024))
            })
        cases.append(
            Case(name: "utf8.validate.mixed.64KiB", unit: "MB/s", target: .ratio(1)) {
                try await utf8(Fixtures.mixedText(64 * 1024))
            })
        return cases
    }

    /// Server-role decoding of a stream of masked binary frames, about 1 MiB of payload per pass
    /// (4 MiB for 1 MiB frames); the rate counts payload bytes handed out unmasked.
    static func decode(payloadSize: Int) async throws -> (Double?, Double?) {
        let stream = Fixtures.maskedStream(payloadSize: payloadSize, totalPayload: max(1 << 20, 4 * payloadSize))
        let peer = try decodePeer(stream.wire, payloadBytes: stream.payloadBytes)
        let ours = try decodeOurs(stream.wire, payloadBytes: stream.payloadBytes)
        return try await measurePair(ours: ours, peer: peer)
    }

    // The rigs are made in functions of their own: with both in one async function the 6.3.1
    // optimizer crashes (ARCSequenceOpts).
    @inline(never)
    static func decodePeer(_ wire: [UInt8], payloadBytes: Int) throws -> Workload {
        let rig = try NIOPeers.Decoding(wire: wire, maxFrameSize: 1 << 24)
        let check = try rig.run(1)
        precondition(check == payloadBytes, "NIO decoded a different payload count")
        return { Double(try rig.run($0)) / megabyte }
    }

    @inline(never)
    static func decodeOurs(_ wire: [UInt8], payloadBytes: Int) throws -> Workload? {
        guard let rig = try OurCodec.Decoding(wire: wire, maxFrameSize: 1 << 24) else { return nil }
        let check = try rig.run(1)
        precondition(check == payloadBytes, "our decoder handed out a different payload count")
        return { Double(try rig.run($0)) / megabyte }
    }

    /// Encoding one frame per iteration; the rate counts payload bytes.
    static func encode(payloadSize: Int, masked: Bool) async throws -> (Double?, Double?) {
        let payload = Fixtures.payload(payloadSize)
        let peerRig = try NIOPeers.Encoding(payload: payload)
        let ourRig = OurCodec.Encoding(payload: payload)
        return try await measurePair(
            ours: ourRig.map { rig in { Double(rig.run($0, masked: masked)) / megabyte } },
            peer: { Double(peerRig.run($0, masked: masked)) / megabyte }
        )
    }

    /// Unmasking a 64 KiB buffer in place, repeatedly (it stays in cache).
    static func unmask() async throws -> (Double?, Double?) {
        let size = 64 * 1024
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 64)
        defer { buffer.deallocate() }
        buffer.copyBytes(from: Fixtures.payload(size))
        let key: (UInt8, UInt8, UInt8, UInt8) = (0x37, 0xFA, 0x21, 0x3D)
        let peer: Workload = { iterations in
            for _ in 0..<iterations { PeerKernels.unmaskBytewise(buffer, key: key) }
            blackHole(buffer[size - 1])
            return Double(iterations * size) / megabyte
        }
        let ours: Workload? =
            OurCodec.hasUnmask
            ? { iterations in
                for _ in 0..<iterations { OurCodec.unmask(buffer, key: key) }
                blackHole(buffer[size - 1])
                return Double(iterations * size) / megabyte
            } : nil
        return try await measurePair(ours: ours, peer: peer)
    }

    /// memcpy of 64 KiB in cache, for scale.
    static func memcpyRate() async throws -> Double {
        let size = 64 * 1024
        let source = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        let destination = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        defer {
            source.deallocate()
            destination.deallocate()
        }
        source.initializeMemory(as: UInt8.self, repeating: 0x5A, count: size)
        return try await measureRate { iterations in
            for _ in 0..<iterations {
                memcpy(destination, source, size)
                blackHole(destination)
            }
            return Double(iterations * size) / megabyte
        }
    }

    /// Validating 64 KiB of UTF-8.
    static func utf8(_ bytes: [UInt8]) async throws -> (Double?, Double?) {
        precondition(PeerKernels.validateWithString(bytes), "fixture is not valid UTF-8")
        let peer: Workload = { iterations in
            var valid = 0
            for _ in 0..<iterations where PeerKernels.validateWithString(bytes) { valid &+= 1 }
            blackHole(valid)
            return Double(iterations * bytes.count) / megabyte
        }
        var ours: Workload?
        if OurCodec.hasUTF8Validator {
            precondition(OurCodec.validateUTF8(bytes), "our validator rejects valid UTF-8")
            ours = { iterations in
                var valid = 0
                for _ in 0..<iterations where OurCodec.validateUTF8(bytes) { valid &+= 1 }
                blackHole(valid)
                return Double(iterations * bytes.count) / megabyte
            }
        }
        return try await measurePair(ours: ours, peer: peer)
    }
}
