// Fuzz target: `WSFrameDecoder` and `WSFrameReader` in both roles.
//
// Input: byte 0 chooses the role, the negotiated RSV bits, the frame size limit and the splitting;
// bytes 1-2 seed the split points; the rest is the wire.
//
// Properties checked on every input:
// - decoding the wire whole and in pieces (byte by byte for short inputs) gives the same frames and
//   the same error;
// - every payload chunk points at the right wire bytes, and unmasks to what a byte-by-byte XOR gives;
// - the decoded frames, re-encoded with the same masking key, are exactly the wire bytes they came
//   from (every accepted frame is minimally encoded, so re-encoding is exact);
// - every accepted header obeys RFC 6455 §5.2 for the role, and an independent header model agrees
//   with the decoder on where and why the wire is rejected, and that an incomplete tail is not;
// - a failed decoder throws the same error again; `isAtFrameBoundary` tells the truth;
// - `WSFrameReader` returns the same frames and error as the decoder.

/// What decoding a wire produced.
private struct Decoded: Equatable {
    var frames: [WSFrame] = []
    /// The frame whose header arrived but whose payload did not complete.
    var partialHeader: WSFrameHeader?
    var partialPayload: [UInt8] = []
    var error: WSProtocolError?
    var atBoundary = false
}

private struct Setup {
    var role: WSRole
    var allowed: WSReservedBits
    var maxFrameSize: Int
}

/// libFuzzer's entry point: runs one input and checks the properties listed above (traps on a
/// violation, which libFuzzer reports as a crash).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrameDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var options = FuzzOptions(Array(UnsafeBufferPointer(start: data, count: size)))
    let flags = options.byte()
    let seed = UInt32(options.byte()) << 8 | UInt32(options.byte())
    let wire = options.rest
    let limits = [WSFrameDecoder.defaultMaxFrameSize, Int.max, 0, 125, 126, 0xFFFF, 0x10000, 300]
    let setup = Setup(
        role: flags & 1 == 0 ? .server : .client,
        allowed: WSReservedBits(rawValue: flags & 0x70),
        maxFrameSize: limits[Int(flags >> 1 & 7)]
    )
    let whole = decode(wire, setup, pieces: Splitting.whole(wire.count))
    let pieces = Splitting.pieces(count: wire.count, seed: seed, bytewise: flags & 0x80 != 0)
    let split = decode(wire, setup, pieces: pieces)
    require(whole == split, "split feeding \(pieces) differs: \(whole) vs \(split)")

    checkReencoding(whole, wire: wire, setup: setup)
    checkAgainstModel(whole, wire: wire, setup: setup)
    checkReader(whole, wire: wire, setup: setup, pieces: pieces)
    return 0
}

/// Decodes `wire` fed as `pieces`, checking every step against the wire as it goes.
private func decode(_ wire: [UInt8], _ setup: Setup, pieces: [Range<Int>]) -> Decoded {
    var decoder = WSFrameDecoder(
        role: setup.role, maxFrameSize: setup.maxFrameSize, allowedReservedBits: setup.allowed)
    var result = Decoded()
    var frameStart = 0
    var payloadStart = 0
    for piece in pieces {
        let chunkBytes = Array(wire[piece])
        let failed: WSProtocolError? = chunkBytes.withUnsafeBytes { buffer in
            var input = buffer
            do throws(WSProtocolError) {
                while true {
                    let before = input.count
                    let step = try decoder.next(from: &input)
                    require(input.count <= before, "the decoder grew its input")
                    switch step {
                    case .needMoreData:
                        require(input.isEmpty, "needMoreData with \(input.count) bytes left")
                        return nil
                    case .header(let header):
                        require(result.partialHeader == nil, "a header inside a frame")
                        result.partialHeader = header
                        result.partialPayload = []
                        payloadStart = frameStart + header.encodedLength
                    case .payload(let chunk):
                        guard let header = result.partialHeader else {
                            fatalError("property violated: payload outside a frame")
                        }
                        checkChunk(
                            chunk, header: header, received: result.partialPayload.count, wire: wire, at: payloadStart)
                        result.partialPayload += chunk.unmaskedBytes
                    case .frameEnd:
                        guard let header = result.partialHeader else {
                            fatalError("property violated: frameEnd outside a frame")
                        }
                        require(result.partialPayload.count == header.payloadLength, "frame ended early")
                        result.frames.append(WSFrame(header: header, payload: result.partialPayload))
                        frameStart = payloadStart + header.payloadLength
                        result.partialHeader = nil
                        result.partialPayload = []
                    }
                }
            } catch {
                return error
            }
        }
        if let failed {
            result.error = failed
            var empty = UnsafeRawBufferPointer(start: nil, count: 0)
            do throws(WSProtocolError) {
                _ = try decoder.next(from: &empty)
                fatalError("property violated: a failed decoder decoded again")
            } catch {
                require(error == failed, "a failed decoder threw \(error), then \(failed)")
            }
            return result
        }
    }
    result.atBoundary = decoder.isAtFrameBoundary
    let consumed = result.frames.reduce(0) { $0 + $1.header.encodedLength + $1.payload.count }
    require(result.atBoundary == (consumed == wire.count), "isAtFrameBoundary is \(result.atBoundary)")
    return result
}

/// A chunk must point at the wire bytes of its place in the payload and unmask like a byte-wise XOR.
private func checkChunk(
    _ chunk: WSPayloadChunk, header: WSFrameHeader, received: Int, wire: [UInt8], at payloadStart: Int
) {
    require(chunk.offsetInPayload == received, "chunk offset \(chunk.offsetInPayload), expected \(received)")
    require(chunk.maskingKey == header.maskingKey, "chunk key differs from the header's")
    require(chunk.count > 0, "an empty payload chunk")
    require(received + chunk.count <= header.payloadLength, "chunk runs past the payload")
    let start = payloadStart + received
    let onWire = Array(wire[start..<(start + chunk.count)])
    require(Array(chunk.wireBytes) == onWire, "chunk bytes are not the wire bytes at \(start)")
    let expected = onWire.enumerated().map { index, byte in
        guard let key = header.maskingKey else { return byte }
        return byte ^ key[received + index]
    }
    // Exact-size destination: AddressSanitizer catches a write past it.
    let destination = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk.count, alignment: 1)
    defer { destination.deallocate() }
    chunk.copyUnmasked(into: destination)
    require(Array(destination) == expected, "copyUnmasked differs from a byte-wise XOR")
    require(chunk.unmaskedBytes == expected, "unmaskedBytes differs from a byte-wise XOR")
    var appended: [UInt8] = [0xAA]
    chunk.appendUnmasked(to: &appended)
    require(appended == [0xAA] + expected, "appendUnmasked differs from a byte-wise XOR")
}

/// The complete frames re-encode to exactly the wire bytes they were decoded from.
private func checkReencoding(_ decoded: Decoded, wire: [UInt8], setup: Setup) {
    // The peer's encoder: a client masks with the frame's own key, a server does not mask.
    let encoder = WSFrameEncoder(role: setup.role == .server ? .client : .server)
    var encoded: [UInt8] = []
    for frame in decoded.frames {
        let single = encoder.encode(frame)
        var appended: [UInt8] = []
        encoder.append(
            opcode: frame.opcode, payload: frame.payload, fin: frame.fin, reservedBits: frame.reservedBits,
            maskingKey: frame.maskingKey, to: &appended)
        require(single == appended, "encode and append disagree for \(frame)")
        encoded += single
    }
    require(encoded.count <= wire.count, "re-encoded frames are longer than the wire")
    require(Array(wire[..<encoded.count]) == encoded, "re-encoded frames differ from the wire")
    if let header = decoded.partialHeader {
        let headerBytes = header.bytes
        let start = encoded.count
        require(start + headerBytes.count <= wire.count, "partial frame header longer than the wire")
        require(Array(wire[start..<(start + headerBytes.count)]) == headerBytes, "re-encoded header differs")
    }
}

/// What the model says about the bytes at the start of a frame.
private enum ModelVerdict {
    case incomplete
    case invalid(WSProtocolError.Kind)
    case valid(WSFrameHeader, length: Int)
}

/// An independent reading of RFC 6455 §5.2, rules checked in the order their bits arrive.
private func modelHeader(_ bytes: ArraySlice<UInt8>, _ setup: Setup) -> ModelVerdict {
    let b = Array(bytes)
    guard b.count >= 1 else { return .incomplete }
    let fin = b[0] >> 7 == 1
    let opcode = b[0] & 0x0F
    let knownOpcodes: Set<UInt8> = [0, 1, 2, 8, 9, 10]
    if !knownOpcodes.contains(opcode) { return .invalid(.reservedOpcode(opcode)) }
    let rsv = WSReservedBits(rawValue: b[0] & 0x70)
    if !rsv.subtracting(setup.allowed).isEmpty { return .invalid(.reservedBitsSet(rsv.subtracting(setup.allowed))) }
    let control = opcode >= 8
    if control && !fin { return .invalid(.fragmentedControlFrame) }
    guard b.count >= 2 else { return .incomplete }
    let masked = b[1] >> 7 == 1
    if setup.role == .server && !masked { return .invalid(.unmaskedFrameFromClient) }
    if setup.role == .client && masked { return .invalid(.maskedFrameFromServer) }
    let short = Int(b[1] & 0x7F)
    if control && short > 125 { return .invalid(.controlFrameTooLong) }
    var length = short
    var offset = 2
    if short == 126 {
        guard b.count >= 4 else { return .incomplete }
        length = Int(b[2]) << 8 | Int(b[3])
        if length < 126 { return .invalid(.nonMinimalLength) }
        offset = 4
    } else if short == 127 {
        guard b.count >= 10 else { return .incomplete }
        if b[2] & 0x80 != 0 { return .invalid(.lengthTopBitSet) }
        var wide: UInt64 = 0
        for byte in b[2..<10] { wide = wide << 8 | UInt64(byte) }
        if wide < 0x10000 { return .invalid(.nonMinimalLength) }
        if wide > UInt64(setup.maxFrameSize) { return .invalid(.frameTooLarge(limit: setup.maxFrameSize)) }
        length = Int(wide)
        offset = 10
    }
    if length > setup.maxFrameSize { return .invalid(.frameTooLarge(limit: setup.maxFrameSize)) }
    var key: WSMaskingKey?
    if masked {
        guard b.count >= offset + 4 else { return .incomplete }
        key = WSMaskingKey(b[offset], b[offset + 1], b[offset + 2], b[offset + 3])
        offset += 4
    }
    let header = WSFrameHeader(
        fin: fin, reservedBits: rsv, opcode: WSOpcode(rawValue: opcode)!, maskingKey: key,
        payloadLength: length)
    return .valid(header, length: offset)
}

/// The model must accept every decoded header and agree with the decoder's verdict on the tail.
private func checkAgainstModel(_ decoded: Decoded, wire: [UInt8], setup: Setup) {
    var offset = 0
    for frame in decoded.frames {
        guard case .valid(let header, let length) = modelHeader(wire[offset...], setup) else {
            fatalError("property violated: the model rejects the header at \(offset) that the decoder accepted")
        }
        require(header == frame.header, "model header \(header) differs from decoded \(frame.header)")
        offset += length + header.payloadLength
    }
    let verdict = modelHeader(wire[offset...], setup)
    switch verdict {
    case .incomplete:
        require(decoded.error == nil && decoded.partialHeader == nil, "the model needs more bytes at \(offset)")
    case .invalid(let kind):
        require(
            decoded.error == WSProtocolError(kind),
            "model says \(kind), decoder \(String(describing: decoded.error))")
    case .valid(let header, _):
        // Only a frame whose payload has not all arrived may be left over.
        require(decoded.error == nil, "decoder failed with \(String(describing: decoded.error)) on a valid header")
        require(decoded.partialHeader == header, "decoder did not report the header at \(offset)")
    }
}

/// `WSFrameReader` sees the same frames and error as the decoder.
private func checkReader(_ decoded: Decoded, wire: [UInt8], setup: Setup, pieces: [Range<Int>]) {
    var reader = WSFrameReader(
        role: setup.role, maxFrameSize: setup.maxFrameSize, allowedReservedBits: setup.allowed)
    var frames: [WSFrame] = []
    var failure: WSProtocolError?
    for piece in pieces where failure == nil {
        Array(wire[piece]).withUnsafeBytes { buffer in
            do throws(WSProtocolError) {
                try reader.read(buffer) { header, payload in
                    require(payload.count == header.payloadLength, "reader payload length differs from header")
                    frames.append(WSFrame(header: header, payload: Array(payload)))
                }
            } catch {
                failure = error
            }
        }
    }
    require(frames == decoded.frames, "the reader's frames differ from the decoder's")
    require(failure == decoded.error, "the reader's error differs from the decoder's")
    if pieces.count == 1 {
        var fresh = WSFrameReader(
            role: setup.role, maxFrameSize: setup.maxFrameSize, allowedReservedBits: setup.allowed)
        do throws(WSProtocolError) {
            let owned = try fresh.frames(from: wire)
            require(decoded.error == nil && owned == decoded.frames, "frames(from:) differs from the decoder")
        } catch {
            require(error == decoded.error, "frames(from:) threw \(error)")
        }
    }
}
