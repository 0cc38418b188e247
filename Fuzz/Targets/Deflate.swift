// Fuzz target: permessage-deflate's inflater and negotiation parser (WebSocketCompression).
//
// Input: byte 0 chooses the mode (even: inflater, odd: negotiation) and, for the inflater, whether
// the peer keeps its context; bytes 1-2 the output limit; the rest is the compressed payload (split
// into up to three messages at bytes 1-2's cut points) or a `Sec-WebSocket-Extensions` value.
//
// Inflater properties:
// - inflating never produces more than the limit: it succeeds with at most `limit` bytes, or stops
//   with `.tooLarge` after exactly `limit + 1` bytes, or reports invalid data;
// - the outcome equals that of a one-shot reference inflate (zlib with one output buffer of
//   `limit + 1` bytes), so the chunked loop loses, duplicates and reorders nothing;
// - through a `WSConnection` with `PermessageDeflate`, a compressed message either arrives with
//   at most `maxMessageSize` bytes or fails with 1009 or 1007;
// - what inflates re-compresses with our deflater and inflates back to the same bytes.
//
// Negotiation properties:
// - the server's answer to any header is a valid response (it parses as one) that a client whose
//   offer was the accepted one validates, with windows no larger than offered;
// - parsing an element and writing it back gives an element that parses to the same parameters;
// - the client's check of any response never crashes, and what it accepts round-trips.

import CZlib

private let configurations = [
    PermessageDeflateConfiguration(),
    PermessageDeflateConfiguration(serverMaxWindowBits: 9, clientMaxWindowBits: 11, serverNoContextTakeover: false),
    PermessageDeflateConfiguration(clientMaxWindowBits: 8, clientNoContextTakeover: true),
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDeflate(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var options = FuzzOptions(Array(UnsafeBufferPointer(start: data, count: size)))
    let mode = options.byte()
    let limit = Int(options.byte()) << 8 | Int(options.byte())
    let rest = options.rest
    if mode & 1 == 0 {
        fuzzInflater(rest, limit: limit, keepsContext: mode & 2 != 0)
    } else {
        fuzzNegotiation(String(decoding: rest, as: UTF8.self))
    }
    return 0
}

private func fuzzInflater(_ payload: [UInt8], limit: Int, keepsContext: Bool) {
    let inflater = ZlibInflater(windowBits: 15)
    inflater.beginMessage()
    var output: [UInt8] = []
    let outcome = Result { () throws(ZlibInflater.Failure) in
        try inflater.inflate(payload, limit: limit, appendingTo: &output)
    }
    switch outcome {
    case .success: require(output.count <= limit, "inflated \(output.count) bytes past the limit \(limit)")
    case .failure(.tooLarge): require(output.count == limit + 1, "stopped at \(output.count), limit \(limit)")
    case .failure(.invalidData): break
    }
    // The reference: one zlib call with all the room the limit allows.
    if let reference = referenceInflate(payload, room: limit + 1) {
        switch outcome {
        case .success, .failure(.tooLarge):
            // After a final block the reference stops; ours goes on with the rest of the input.
            let common = min(output.count, reference.output.count)
            require(
                output.prefix(common) == reference.output.prefix(common), "chunked output differs from the reference")
            if reference.ended {
                require(output.count >= reference.output.count, "lost output before a final block")
            }
            if case .success = outcome, !reference.ended {
                require(output == reference.output, "chunked output differs from the reference")
            }
        case .failure(.invalidData):
            require(
                reference.ended || reference.output.count == limit + 1 || reference.failed,
                "reported invalid data where zlib inflates")
        }
    }
    if case .success = outcome {
        var deflate = PermessageDeflate(
            role: .server,
            parameters: PermessageDeflateParameters(serverNoContextTakeover: !keepsContext),
            configuration: PermessageDeflateConfiguration(minimumMessageSize: 0))
        let compressed = deflate.encode(WSExtensionMessage(opcode: .binary, payload: output))
        var inflate = PermessageDeflate(
            role: .client,
            parameters: PermessageDeflateParameters(serverNoContextTakeover: !keepsContext),
            configuration: PermessageDeflateConfiguration())
        let back = try? inflate.decode(compressed, maxPayloadLength: max(limit, 1))
        require(back?.payload == output, "a deflate round trip changed the message")
    }
    // Through a connection: a client receiving the payload as one compressed server message.
    var connection = WSConnection(
        role: .client,
        configuration: WSConfiguration(maxMessageSize: limit),
        extensions: [
            PermessageDeflate(
                role: .client, parameters: PermessageDeflateParameters(serverNoContextTakeover: !keepsContext),
                configuration: PermessageDeflateConfiguration())
        ]
    )
    let frame = WSFrameEncoder.serverFrame(opcode: .binary, payload: payload, reservedBits: .rsv1)
    for event in connection.receive(frame + frame).events {
        switch event {
        case .binary(let message): require(message.count <= limit, "a message passed the limit")
        case .protocolError(let error):
            require(
                error.closeCode == .messageTooBig || error.closeCode == .invalidFramePayloadData,
                "unexpected close code \(error.closeCode)")
        default: require(false, "unexpected event \(event)")
        }
    }
}

/// zlib called once, as a reference: the output (at most `room` bytes), whether the data ended
/// (a final block), whether zlib failed; `nil` when zlib could not start.
private func referenceInflate(_ input: [UInt8], room: Int) -> (output: [UInt8], ended: Bool, failed: Bool)? {
    var stream = z_stream()
    guard inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
    defer { inflateEnd(&stream) }
    var output = [UInt8](repeating: 0, count: room)
    var input = input
    let status = input.withUnsafeMutableBytes { inBuffer in
        output.withUnsafeMutableBytes { outBuffer in
            stream.next_in = inBuffer.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.avail_in = uInt(inBuffer.count)
            stream.next_out = outBuffer.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(outBuffer.count)
            return inflate(&stream, Z_SYNC_FLUSH)
        }
    }
    let produced = room - Int(stream.avail_out)
    return (
        Array(output.prefix(produced)), status == Z_STREAM_END,
        status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR
    )
}

private func fuzzNegotiation(_ header: String) {
    guard let offers = try? WSExtensionOffer.parse(headerValues: [header]) else { return }
    for element in offers {
        for isResponse in [false, true] {
            guard let parameters = try? PermessageDeflateParameters(parsing: element, isResponse: isResponse) else {
                continue
            }
            let again = try? PermessageDeflateParameters(parsing: parameters.element, isResponse: isResponse)
            require(again == parameters, "parameters do not round-trip: \(element.headerValue)")
        }
    }
    for configuration in configurations {
        if let response = configuration.serverResponse(to: offers) {
            let agreed = try? PermessageDeflateParameters(parsing: response, isResponse: true)
            require(agreed != nil, "the server's response does not parse: \(response.headerValue)")
            guard let agreed else { continue }
            // The offer it answers: the first offer the server accepts.
            let offer = offers.first { (try? configuration.serverAgreement(for: $0)) != nil }
            let offered = offer.flatMap { try? PermessageDeflateParameters(parsing: $0, isResponse: false) }
            require(offered != nil, "a response without an acceptable offer")
            guard let offered else { continue }
            if let requested = offered.serverMaxWindowBits {
                require((agreed.serverMaxWindowBits ?? 15) <= requested, "server window above the offer")
            }
            if case .value(let requested) = offered.clientMaxWindowBits {
                require(agreed.effectiveClientWindowBits <= requested, "client window above the offer")
            }
            if offered.clientMaxWindowBits == .absent {
                require(agreed.clientMaxWindowBits == .absent, "client window limited without the offer's consent")
            }
            require(agreed.effectiveServerWindowBits <= configuration.serverMaxWindowBits, "server window too large")
            require(agreed.effectiveClientWindowBits <= configuration.clientMaxWindowBits, "client window too large")
        }
        if let accepted = try? configuration.clientAgreement(from: offers) {
            let again = try? PermessageDeflateParameters(parsing: accepted.element, isResponse: true)
            require(again == accepted, "an accepted response does not round-trip")
        }
    }
}
