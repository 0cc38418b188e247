// Fuzz target: `WSConnection` (both roles) fed arbitrary bytes.
//
// Input: byte 0 chooses the role, ping answering, the message limits, a test extension and the
// splitting; bytes 1-2 seed the split points; byte 3 the frame limit, whether we sent a close
// first and whether the stream ends; the rest is the wire.
//
// Properties checked on every input:
// - every text message the connection accepts is valid UTF-8 (`String(validating:as:)`);
// - feeding the wire whole and in pieces gives the same events and the same frames out;
// - the events equal those of an independent message model (fragmentation, control frames, close
//   payload rules, UTF-8 failing fast, size and fragment limits, the extension), and a protocol
//   error carries the close code the model expects;
// - nothing follows a close or a protocol error; once the transport is to be closed, the
//   connection is closed and stays silent;
// - what the connection writes is a valid frame stream for the peer: a pong echoing each ping it
//   answers, and a single, last close frame with a valid payload echoing the peer's code or
//   naming the error.

/// A test extension that claims RSV1, doubles payloads on the way in, and rejects ones starting
/// with 0xFF, to reach the extension paths of the message assembler.
private struct DoublingExtension: WSExtension {
    var name: String { "x-double" }
    var reservedBits: WSReservedBits { .rsv1 }

    func decode(
        _ message: WSExtensionMessage,
        maxPayloadLength: Int
    ) throws(WSProtocolError) -> WSExtensionMessage {
        guard message.reservedBits.contains(.rsv1) else { return message }
        if message.payload.first == 0xFF {
            throw WSProtocolError(
                .extensionFailure(extensionName: name, reason: "poisoned payload", closeCode: .unsupportedData))
        }
        return WSExtensionMessage(opcode: message.opcode, payload: message.payload + message.payload)
    }

    func encode(_ message: WSExtensionMessage) -> WSExtensionMessage {
        WSExtensionMessage(opcode: message.opcode, reservedBits: .rsv1, payload: message.payload)
    }
}

private struct Setup {
    var role: WSRole
    var configuration: WSConfiguration
    var withExtension: Bool
    var sentCloseFirst: Bool
    var endsStream: Bool

    func makeConnection() -> WSConnection {
        WSConnection(
            role: role, configuration: configuration, extensions: withExtension ? [DoublingExtension()] : [])
    }
}

/// Everything a run of the connection produced.
private struct Run: Equatable {
    var events: [WSEvent] = []
    /// The frames written, masking keys dropped (a client masks with random keys).
    var output: [WSFrame] = []
    var rawOutput: [UInt8] = []
    var closesTransport = false
}

/// libFuzzer's entry point: runs one input and checks the properties listed above (traps on a
/// violation, which libFuzzer reports as a crash).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConnection(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var options = FuzzOptions(Array(UnsafeBufferPointer(start: data, count: size)))
    let flags = options.byte()
    let seed = UInt32(options.byte()) << 8 | UInt32(options.byte())
    let more = options.byte()
    let wire = options.rest
    let messageLimits = [WSMessageAssembler.defaultMaxMessageSize, 0, 125, 1000]
    let fragmentLimits = [WSMessageAssembler.defaultMaxFramesPerMessage, 1, 2, 5]
    let frameLimits = [Int.max, 125, 1000, 0x10000]
    let setup = Setup(
        role: flags & 1 == 0 ? .server : .client,
        configuration: WSConfiguration(
            maxMessageSize: messageLimits[Int(flags >> 2 & 3)],
            maxFrameSize: frameLimits[Int(more & 3)],
            maxFramesPerMessage: fragmentLimits[Int(flags >> 4 & 3)],
            answersPings: flags & 2 == 0
        ),
        withExtension: flags & 0x40 != 0,
        sentCloseFirst: more & 4 != 0,
        endsStream: more & 8 != 0
    )
    let whole = run(setup, wire, pieces: Splitting.whole(wire.count))
    let pieces = Splitting.pieces(count: wire.count, seed: seed, bytewise: flags & 0x80 != 0)
    let split = run(setup, wire, pieces: pieces)
    require(whole.events == split.events, "split feeding \(pieces) changes the events")
    require(whole.output == split.output, "split feeding \(pieces) changes the output")
    if setup.role == .server {
        require(whole.rawOutput == split.rawOutput, "split feeding changes the server's output bytes")
    }
    require(whole.closesTransport == split.closesTransport, "split feeding changes shouldCloseTransport")

    checkEvents(whole, setup)
    checkAgainstModel(whole, setup, wire: wire)
    return 0
}

private func run(_ setup: Setup, _ wire: [UInt8], pieces: [Range<Int>]) -> Run {
    var connection = setup.makeConnection()
    if setup.sentCloseFirst {
        do throws(WSUsageError) {
            _ = try connection.sendClose(code: .goingAway, reason: "bye")
        } catch {
            fatalError("property violated: sendClose on a new connection threw \(error)")
        }
        require(connection.state == .closing, "sendClose did not move to closing")
    }
    var result = Run()
    var results: [WSReceiveResult] = []
    for piece in pieces {
        results.append(Array(wire[piece]).withUnsafeBytes { connection.receive($0) })
    }
    if setup.endsStream { results.append(connection.receiveEndOfStream()) }
    for received in results {
        if result.closesTransport {
            require(received == WSReceiveResult(), "a closed connection produced \(received)")
        }
        result.events += received.events
        result.rawOutput += received.output
        result.closesTransport = result.closesTransport || received.shouldCloseTransport
    }
    require(result.closesTransport == (connection.state == .closed), "state \(connection.state) vs close flag")
    result.output = peerFrames(result.rawOutput, from: setup.role)
    return result
}

/// Decodes what a connection in `role` wrote, as its peer would, and drops the masking keys.
private func peerFrames(_ bytes: [UInt8], from role: WSRole) -> [WSFrame] {
    var reader = WSFrameReader(role: role == .server ? .client : .server, maxFrameSize: .max)
    var frames: [WSFrame] = []
    bytes.withUnsafeBytes { buffer in
        do throws(WSProtocolError) {
            try reader.read(buffer) { header, payload in
                require(header.reservedBits.isEmpty, "the connection wrote RSV bits on a control frame")
                frames.append(
                    WSFrame(fin: header.fin, opcode: header.opcode, payload: Array(payload)))
            }
        } catch {
            fatalError("property violated: the connection wrote an invalid frame: \(error)")
        }
        require(reader.decoder.isAtFrameBoundary, "the connection wrote a truncated frame")
    }
    return frames
}

/// Rules on the events and the output that hold whatever the input.
private func checkEvents(_ run: Run, _ setup: Setup) {
    for (index, event) in run.events.enumerated() {
        switch event {
        case .text(let text):
            require(String(validating: text.utf8, as: UTF8.self) != nil, "a text message is not UTF-8: \(text.utf8)")
            require(text.utf8.count <= setup.configuration.maxMessageSize, "a text message exceeds the limit")
        case .binary(let bytes):
            require(bytes.count <= setup.configuration.maxMessageSize, "a binary message exceeds the limit")
        case .ping(let payload), .pong(let payload):
            require(payload.count <= 125, "a control payload over 125 bytes")
        case .close, .protocolError:
            require(index == run.events.count - 1, "events follow a close or an error")
            require(run.closesTransport, "a close or an error did not close the transport")
        }
    }
    for (index, frame) in run.output.enumerated() {
        require(frame.fin, "the connection wrote a fragment")
        switch frame.opcode {
        case .pong:
            require(frame.payload.count <= 125, "a pong over 125 bytes")
        case .close:
            require(index == run.output.count - 1, "the connection wrote after its close frame")
            do throws(WSProtocolError) {
                _ = try WSClosePayload(parsing: frame.payload)
            } catch {
                fatalError("property violated: the connection wrote an invalid close payload: \(error)")
            }
        default:
            fatalError("property violated: the connection wrote a \(frame.opcode) frame on its own")
        }
    }
}

// MARK: - Model

/// What the model expects from a wire.
private struct Expectation {
    var events: [WSEvent] = []
    /// The pongs and the echoed close, by payload (a close for an error is checked by its code).
    var output: [WSFrame] = []
    var errorCode: WSCloseCode?
    var closed = false
}

/// An independent message model over the decoder's frames (the decoder has its own target).
private struct MessageModel {
    let setup: Setup
    var expectation = Expectation()
    var open: Bool
    private var opcode: WSOpcode?
    private var compressed = false
    private var buffer: [UInt8] = []
    private var fragments = 0

    init(setup: Setup) {
        self.setup = setup
        self.open = !setup.sentCloseFirst
    }

    var isDone: Bool { expectation.closed }

    mutating func fail(_ code: WSCloseCode) {
        expectation.errorCode = code
        expectation.closed = true
    }

    /// The checks on a frame's header; false when it failed the connection.
    mutating func header(_ header: WSFrameHeader) -> Bool {
        let limit = setup.configuration.maxMessageSize
        if header.opcode.isControl {
            if !header.reservedBits.isEmpty { fail(.protocolError) }
        } else if header.opcode == .continuation {
            if opcode == nil || !header.reservedBits.isEmpty {
                fail(.protocolError)
            } else if fragments >= setup.configuration.maxFramesPerMessage {
                fail(.policyViolation)
            } else if header.payloadLength > limit - buffer.count {
                fail(.messageTooBig)
            }
        } else if opcode != nil {
            fail(.protocolError)
        } else if header.payloadLength > limit {
            fail(.messageTooBig)
        }
        return !isDone
    }

    /// The payload (so far) of a data frame; false when it failed the connection.
    mutating func payload(_ header: WSFrameHeader, _ bytes: [UInt8]) -> Bool {
        if !header.opcode.isControl {
            let start = header.opcode == .continuation ? buffer : []
            let message = header.opcode == .continuation ? opcode : header.opcode
            let packed = header.opcode == .continuation ? compressed : !header.reservedBits.isEmpty
            if message == .text && !packed && !isValidUTF8Prefix(start + bytes) { fail(.invalidFramePayloadData) }
        }
        return !isDone
    }

    mutating func frame(_ frame: WSFrame) {
        guard self.header(frame.header), payload(frame.header, frame.payload) else { return }
        switch frame.opcode {
        case .ping:
            // Pings are reported and answered while our close awaits the peer's too (RFC 6455 §5.5.2
            // excuses only an endpoint that has received a close).
            expectation.events.append(.ping(frame.payload))
            if setup.configuration.answersPings {
                expectation.output.append(WSFrame(opcode: .pong, payload: frame.payload))
            }
        case .pong:
            emit(.pong(frame.payload))
        case .close:
            close(frame.payload)
        case .continuation:
            fragments += 1
            buffer += frame.payload
            if frame.fin { finishMessage() }
        default:
            opcode = frame.opcode
            compressed = !frame.reservedBits.isEmpty
            fragments = 1
            buffer = frame.payload
            if frame.fin { finishMessage() }
        }
    }

    private mutating func emit(_ event: WSEvent) {
        if open { expectation.events.append(event) }
    }

    private mutating func close(_ payload: [UInt8]) {
        var code: WSCloseCode?
        var reason = ""
        if payload.count == 1 { return fail(.protocolError) }
        if payload.count >= 2 {
            let raw = UInt16(payload[0]) << 8 | UInt16(payload[1])
            let registered: Set<UInt16> = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014]
            guard registered.contains(raw) || (3000...4999).contains(raw) else { return fail(.protocolError) }
            guard let text = String(validating: payload[2...], as: UTF8.self) else {
                return fail(.invalidFramePayloadData)
            }
            code = WSCloseCode(raw)
            reason = text
        }
        expectation.events.append(.close(code: code ?? .noStatusReceived, reason: reason))
        if open { expectation.output.append(WSFrame(opcode: .close, payload: Array(payload.prefix(2)))) }
        expectation.closed = true
    }

    private mutating func finishMessage() {
        guard let message = opcode else { return }
        var payload = buffer
        opcode = nil
        buffer = []
        fragments = 0
        if compressed {
            if payload.first == 0xFF { return fail(.unsupportedData) }
            payload += payload
            if payload.count > setup.configuration.maxMessageSize { return fail(.messageTooBig) }
        }
        if message == .text {
            guard String(validating: payload, as: UTF8.self) != nil else { return fail(.invalidFramePayloadData) }
            emit(.text(WSText(String(decoding: payload, as: UTF8.self))))
        } else {
            emit(.binary(payload))
        }
    }
}

/// Whether some bytes could still follow `bytes` to make valid UTF-8.
private func isValidUTF8Prefix(_ bytes: [UInt8]) -> Bool {
    if String(validating: bytes, as: UTF8.self) != nil { return true }
    for cut in 1...3 where bytes.count >= cut {
        let head = bytes.dropLast(cut)
        let tail = Array(bytes.suffix(cut))
        guard String(validating: head, as: UTF8.self) != nil else { continue }
        let length =
            switch tail[0] {
            case 0xC2...0xDF: 2
            case 0xE0...0xEF: 3
            case 0xF0...0xF4: 4
            default: 0
            }
        guard length > cut else { continue }
        // Try the boundary values of every continuation range a lead byte can require.
        let candidates: [UInt8] = [0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF]
        var completions: [[UInt8]] = [[]]
        for _ in 0..<(length - cut) {
            completions = completions.flatMap { prefix in candidates.map { prefix + [$0] } }
        }
        if completions.contains(where: { String(validating: tail + $0, as: UTF8.self) != nil }) { return true }
    }
    return false
}

private func checkAgainstModel(_ run: Run, _ setup: Setup, wire: [UInt8]) {
    var model = MessageModel(setup: setup)
    var decoder = WSFrameDecoder(
        role: setup.role, maxFrameSize: setup.configuration.maxFrameSize,
        allowedReservedBits: setup.withExtension ? .rsv1 : [])
    var header: WSFrameHeader?
    var payload: [UInt8] = []
    wire.withUnsafeBytes { buffer in
        var input = buffer
        do throws(WSProtocolError) {
            loop: while !model.isDone {
                switch try decoder.next(from: &input) {
                case .needMoreData:
                    // A frame cut short is still checked as far as it arrived.
                    if let header, model.header(header) { _ = model.payload(header, payload) }
                    break loop
                case .header(let next):
                    header = next
                    payload = []
                case .payload(let chunk):
                    payload += chunk.unmaskedBytes
                case .frameEnd:
                    if let current = header { model.frame(WSFrame(header: current, payload: payload)) }
                    header = nil
                }
            }
        } catch {
            model.fail(error.closeCode)
        }
    }
    if !model.isDone && setup.endsStream {
        model.expectation.events.append(.close(code: .abnormalClosure, reason: ""))
        model.expectation.closed = true
    }

    var events = run.events
    if case .protocolError(let error) = events.last {
        events.removeLast()
        require(
            error.closeCode == model.expectation.errorCode,
            "error \(error) where the model expects \(String(describing: model.expectation.errorCode))")
    } else {
        require(model.expectation.errorCode == nil, "no error where the model expects \(model.expectation.errorCode!)")
    }
    require(events == model.expectation.events, "events \(events) differ from the model's \(model.expectation.events)")
    require(run.closesTransport == model.expectation.closed, "shouldCloseTransport differs from the model")

    var output = run.output
    if let code = model.expectation.errorCode, model.open {
        guard let last = output.popLast(), last.opcode == .close, last.payload.count >= 2 else {
            fatalError("property violated: no close frame after an error")
        }
        let sent = UInt16(last.payload[0]) << 8 | UInt16(last.payload[1])
        require(sent == code.rawValue, "the close frame names code \(sent), the error \(code.rawValue)")
    }
    require(output == model.expectation.output, "output \(output) differs from the model's \(model.expectation.output)")
}
