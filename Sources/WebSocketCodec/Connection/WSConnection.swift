/// A WebSocket connection after the opening handshake, as a pure state machine (RFC 6455 §5-7).
///
/// Sans-IO: the host reads bytes from its transport and passes them to ``receive(_:)-(UnsafeRawBufferPointer)``,
/// which returns events for the application and the bytes to write back (pongs, close replies);
/// the `send` functions return the bytes of outgoing frames. Nothing here does I/O, keeps
/// timers or locks, so one connection value lives wherever the host's per-connection state lives.
///
/// The connection enforces all of RFC 6455's rules on what the peer sends (see
/// ``WSFrameDecoder`` and ``WSMessageAssembler``). On a violation it reports
/// ``WSEvent/protocolError(_:)``, writes a close frame with the error's code, stops reading,
/// and asks for the transport to be closed. It runs the closing handshake: a peer's close is
/// answered with its own code, and after ``sendClose(code:reason:)`` the connection keeps reading,
/// discarding data, until the peer's close arrives.
///
/// ```swift
/// var connection = WSConnection(role: .server)
/// let result = connection.receive(bytesFromSocket)
/// for event in result.events {
///     if case .text(let text) = event {
///         socket.write(try connection.sendText(text))  // echo
///     }
/// }
/// socket.write(result.output)
/// if result.shouldCloseTransport { socket.close() }
/// ```
public struct WSConnection: Sendable {
    /// Where the connection is in its life.
    public enum State: Hashable, Sendable {
        /// Messages flow both ways.
        case open
        /// The local side sent a close frame and waits for the peer's; received data is discarded
        /// and nothing more may be sent.
        case closing
        /// The closing handshake is complete, the connection failed, or the stream ended.
        case closed
    }

    /// The local endpoint's role.
    public let role: WSRole
    /// The limits in force.
    public let configuration: WSConfiguration
    /// The connection's current state.
    public private(set) var state: State = .open

    /// Whether the host may still send replies to the events of the last result although that
    /// result closed the connection: its close frame sits in the result's `output`, which the host
    /// writes after the replies, so they still precede it on the wire.
    private var repliesAllowed = false
    private var decoder: WSFrameDecoder
    private var assembler: WSMessageAssembler
    private let encoder: WSFrameEncoder

    /// Creates a connection whose opening handshake is done.
    ///
    /// - Parameters:
    ///   - role: The local role: `.server` for accepted connections, `.client` for opened ones.
    ///   - configuration: Limits and behaviour.
    ///   - extensions: The extensions the handshake negotiated, in negotiation order.
    public init(
        role: WSRole,
        configuration: WSConfiguration = WSConfiguration(),
        extensions: [any WSExtension] = []
    ) {
        self.role = role
        self.configuration = configuration
        self.assembler = WSMessageAssembler(
            maxMessageSize: configuration.maxMessageSize,
            maxFramesPerMessage: configuration.maxFramesPerMessage,
            extensions: extensions
        )
        self.decoder = WSFrameDecoder(
            role: role,
            maxFrameSize: configuration.maxFrameSize,
            allowedReservedBits: assembler.claimedReservedBits
        )
        self.encoder = WSFrameEncoder(role: role)
    }

    // MARK: Receiving

    /// Processes bytes read from the transport.
    ///
    /// The bytes may hold any number of frames or parts of frames; only a partial frame header
    /// and the message in progress are kept. Returns the events found, the bytes to write in
    /// answer and whether to close the transport. Bytes received once the connection is
    /// ``State/closed`` are ignored.
    ///
    /// Handle the result in this order: the events, writing at once whatever you send in reply;
    /// then ``WSReceiveResult/output``; then close the transport if
    /// ``WSReceiveResult/shouldCloseTransport`` says so. When the result closed the
    /// connection (the peer's close, or a violation), replies to its events may still be sent
    /// until the next `receive` call: the close frame is in `output`, so written after them it
    /// still comes last on the wire. A peer that sends a message and a close frame together thus
    /// gets its message echoed before the close.
    public mutating func receive(_ bytes: UnsafeRawBufferPointer) -> WSReceiveResult {
        repliesAllowed = false
        var result = WSReceiveResult()
        guard state != .closed else { return result }
        let wasOpen = state == .open
        defer { repliesAllowed = wasOpen && state == .closed }
        var input = bytes
        do throws(WSProtocolError) {
            while state != .closed {
                switch try decoder.next(from: &input) {
                case .needMoreData:
                    return result
                case .header(let header):
                    try assembler.receiveHeader(header)
                case .payload(let chunk):
                    try assembler.receivePayload(chunk)
                case .frameEnd:
                    if let message = try assembler.receiveFrameEnd() {
                        handle(message, into: &result)
                    }
                }
            }
        } catch {
            fail(with: error, into: &result)
        }
        return result
    }

    /// Processes bytes read from the transport; see ``receive(_:)-(UnsafeRawBufferPointer)``.
    public mutating func receive(_ bytes: [UInt8]) -> WSReceiveResult {
        bytes.withUnsafeBytes { receive($0) }
    }

    /// Reports that the transport ended (EOF or reset).
    ///
    /// Unless the closing handshake already completed, this is an abnormal closure: the result
    /// holds ``WSEvent/close(code:reason:)`` with 1006, which is never written to the wire.
    public mutating func receiveEndOfStream() -> WSReceiveResult {
        repliesAllowed = false
        guard state != .closed else { return WSReceiveResult() }
        state = .closed
        return WSReceiveResult(
            events: [.close(code: .abnormalClosure, reason: "")],
            shouldCloseTransport: true
        )
    }

    private mutating func handle(_ message: WSMessage, into result: inout WSReceiveResult) {
        switch message {
        case .close(let payload):
            result.events.append(.close(code: payload.reportedCode, reason: payload.reason))
            if state == .open {
                // Echo the peer's code (RFC 6455 §5.5.1); an empty close is answered with an empty close.
                let reply: [UInt8] =
                    payload.code.map {
                        [UInt8(truncatingIfNeeded: $0.rawValue >> 8), UInt8(truncatingIfNeeded: $0.rawValue)]
                    } ?? []
                encoder.append(opcode: .close, payload: reply, to: &result.output)
            }
            state = .closed
            result.shouldCloseTransport = true
        case .ping(let payload):
            // Answered while we wait for the peer's close too: RFC 6455 §5.5.2 excuses only an
            // endpoint that has already *received* a close, and a pong is a control frame, not data.
            result.events.append(.ping(payload))
            if configuration.answersPings {
                encoder.append(opcode: .pong, payload: payload, to: &result.output)
            }
        case _ where state != .open:
            break  // We sent a close: the peer's data no longer matters (RFC 6455 §1.4).
        case .text(let text):
            result.events.append(.text(text))
        case .binary(let bytes):
            result.events.append(.binary(bytes))
        case .pong(let payload):
            result.events.append(.pong(payload))
        }
    }

    private mutating func fail(with error: WSProtocolError, into result: inout WSReceiveResult) {
        result.events.append(.protocolError(error))
        if state == .open {
            var payload = [
                UInt8(truncatingIfNeeded: error.closeCode.rawValue >> 8),
                UInt8(truncatingIfNeeded: error.closeCode.rawValue),
            ]
            payload.append(contentsOf: WSClosePayload.truncating(error.description).utf8)
            encoder.append(opcode: .close, payload: payload, to: &result.output)
        }
        state = .closed
        result.shouldCloseTransport = true
    }

    // MARK: Sending

    /// The frame of a text message.
    ///
    /// - Throws: ``WSUsageError/connectionClosed`` once a close was sent or received
    ///   (except for replies to the events of the result that received it; see ``receive(_:)-(UnsafeRawBufferPointer)``).
    public mutating func sendText(_ text: String) throws(WSUsageError) -> [UInt8] {
        try sendData(opcode: .text, payload: Array(text.utf8))
    }

    /// The frame of a text message given as validated UTF-8 (an echo of a received text, say).
    public mutating func sendText(_ text: WSText) throws(WSUsageError) -> [UInt8] {
        try sendData(opcode: .text, payload: text.utf8)
    }

    /// The frame of a text message given as UTF-8 bytes.
    ///
    /// - Throws: ``WSUsageError/invalidUTF8`` if the bytes are not valid UTF-8.
    public mutating func sendText(utf8 bytes: [UInt8]) throws(WSUsageError) -> [UInt8] {
        guard UTF8Validator.isValid(bytes) else { throw .invalidUTF8 }
        return try sendData(opcode: .text, payload: bytes)
    }

    /// The frame of a binary message.
    public mutating func sendBinary(_ bytes: [UInt8]) throws(WSUsageError) -> [UInt8] {
        try sendData(opcode: .binary, payload: bytes)
    }

    /// The frame of a binary message whose bytes the caller lends.
    public mutating func sendBinary(_ bytes: UnsafeRawBufferPointer) throws(WSUsageError) -> [UInt8] {
        guard canSend else { throw .connectionClosed }
        guard assembler.extensions.isEmpty else { return try sendData(opcode: .binary, payload: Array(bytes)) }
        return encoder.encode(opcode: .binary, payload: bytes)
    }

    /// A ping frame.
    ///
    /// - Throws: ``WSUsageError/controlPayloadTooLong(byteCount:)`` over 125 bytes,
    ///   ``WSUsageError/connectionClosed`` once a close was sent or received.
    public mutating func sendPing(_ payload: [UInt8] = []) throws(WSUsageError) -> [UInt8] {
        try sendControl(opcode: .ping, payload: payload)
    }

    /// A pong frame: an unsolicited heartbeat, or the answer to a ping when
    /// ``WSConfiguration/answersPings`` is off.
    ///
    /// Allowed while ``State/closing`` as well, to answer the peer's pings until its close arrives.
    public mutating func sendPong(_ payload: [UInt8] = []) throws(WSUsageError) -> [UInt8] {
        guard canSend || state == .closing else { throw .connectionClosed }
        guard payload.count <= 125 else { throw .controlPayloadTooLong(byteCount: payload.count) }
        return encoder.encode(opcode: .pong, payload: payload)
    }

    /// A close frame that starts the closing handshake; the connection becomes ``State/closing``
    /// and keeps reading until the peer's close arrives.
    ///
    /// - Throws: ``WSUsageError/invalidCloseCode(_:)`` for a code that may not be sent,
    ///   ``WSUsageError/closeReasonTooLong(byteCount:)`` for a reason over 123 bytes,
    ///   ``WSUsageError/connectionClosed`` if a close was already sent or received (a
    ///   received close is answered by the connection itself).
    public mutating func sendClose(
        code: WSCloseCode = .normalClosure,
        reason: String = ""
    ) throws(WSUsageError) -> [UInt8] {
        guard state == .open else { throw .connectionClosed }
        let payload = try WSClosePayload(code: code, reason: reason)
        state = .closing
        return encoder.encode(opcode: .close, payload: payload.bytes)
    }

    /// Whether data and pings may be sent: the connection is open, or the host is replying to the
    /// events of the result that closed it.
    private var canSend: Bool { state == .open || repliesAllowed }

    private mutating func sendControl(opcode: WSOpcode, payload: [UInt8]) throws(WSUsageError) -> [UInt8] {
        guard canSend else { throw .connectionClosed }
        guard payload.count <= 125 else { throw .controlPayloadTooLong(byteCount: payload.count) }
        return encoder.encode(opcode: opcode, payload: payload)
    }

    private mutating func sendData(opcode: WSOpcode, payload: [UInt8]) throws(WSUsageError) -> [UInt8] {
        guard canSend else { throw .connectionClosed }
        guard !assembler.extensions.isEmpty else { return encoder.encode(opcode: opcode, payload: payload) }
        var message = WSExtensionMessage(opcode: opcode, payload: payload)
        for index in assembler.extensions.indices {
            message = assembler.extensions[index].encode(message)
        }
        return encoder.encode(opcode: opcode, payload: message.payload, reservedBits: message.reservedBits)
    }
}
