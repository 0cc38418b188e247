/// Assembles frames from a ``WSFrameDecoder`` into messages (RFC 6455 §5.4), enforcing the
/// message-level rules and limits.
///
/// Feed it the decoder's steps: ``receiveHeader(_:)``, ``receivePayload(_:)`` for each chunk and
/// ``receiveFrameEnd()``, which returns a message when one is complete. It checks:
/// - fragmentation order: a continuation needs a message in progress, a new text or binary
///   frame must wait until the message in progress ends; control frames may come in between;
/// - the message size limit from each header, before any of the frame's payload is buffered
///   (what is buffered plus the declared length must fit in ``maxMessageSize``);
/// - the number of frames per message (``maxFramesPerMessage``), which bounds the work a peer can
///   cause with floods of tiny fragments;
/// - UTF-8 of text, chunk by chunk as the bytes arrive, so invalid text fails fast even in the
///   middle of a frame; a sequence cut off at the end of the message fails at its last frame;
/// - RSV bits only on the first frame of a data message, and only those of negotiated extensions;
/// - close payloads (``WSClosePayload/init(parsing:)``).
///
/// Payload bytes are unmasked straight into the message buffer in a single pass. After an error
/// the assembler's state is undefined: fail the connection and stop feeding it.
public struct WSMessageAssembler: Sendable {
    /// The default ``maxMessageSize``: 1 MiB.
    public static let defaultMaxMessageSize = 1 << 20
    /// The default ``maxFramesPerMessage``: 1024, far more than browsers and common libraries
    /// use (they send a message in one frame, or in fragments of several KiB).
    public static let defaultMaxFramesPerMessage = 1024

    /// The largest message, in payload bytes as received, across all of its frames.
    public var maxMessageSize: Int
    /// The most frames one data message may be split into.
    public var maxFramesPerMessage: Int
    /// The negotiated extensions, in negotiation order.
    var extensions: [any WSExtension]

    /// The opcode of the data message in progress; `nil` between messages.
    private var messageOpcode: WSOpcode?
    private var messageReservedBits: WSReservedBits = []
    private var framesInMessage = 0
    private var buffer: [UInt8] = []
    private var validator = UTF8Validator()
    /// The header of the frame whose payload is arriving.
    private var current: WSFrameHeader?
    private var controlPayload: [UInt8] = []

    /// Creates an assembler.
    ///
    /// - Parameters:
    ///   - maxMessageSize: The largest message in bytes (as received, before any extension decodes it).
    ///   - maxFramesPerMessage: The most frames in one fragmented message.
    ///   - extensions: The negotiated extensions, in negotiation order.
    public init(
        maxMessageSize: Int = defaultMaxMessageSize,
        maxFramesPerMessage: Int = defaultMaxFramesPerMessage,
        extensions: [any WSExtension] = []
    ) {
        self.maxMessageSize = maxMessageSize
        self.maxFramesPerMessage = maxFramesPerMessage
        self.extensions = extensions
    }

    /// The RSV bits claimed by the extensions; give them to the decoder.
    public var claimedReservedBits: WSReservedBits {
        extensions.reduce(into: []) { $0.formUnion($1.reservedBits) }
    }

    /// Whether a fragmented data message is in progress.
    public var isInsideMessage: Bool { messageOpcode != nil }

    /// Starts a frame; throws if its header breaks a message-level rule or limit.
    public mutating func receiveHeader(_ header: WSFrameHeader) throws(WSProtocolError) {
        if header.opcode.isControl {
            guard header.reservedBits.isEmpty else {
                throw WSProtocolError(.reservedBitsSet(header.reservedBits))
            }
            guard header.fin else { throw WSProtocolError(.fragmentedControlFrame) }
            guard header.payloadLength <= 125 else { throw WSProtocolError(.controlFrameTooLong) }
            controlPayload.removeAll(keepingCapacity: true)
        } else if header.opcode == .continuation {
            guard messageOpcode != nil else { throw WSProtocolError(.unexpectedContinuation) }
            guard header.reservedBits.isEmpty else {
                throw WSProtocolError(.reservedBitsSet(header.reservedBits))
            }
            guard framesInMessage < maxFramesPerMessage else {
                throw WSProtocolError(.tooManyFragments(limit: maxFramesPerMessage))
            }
            guard header.payloadLength <= maxMessageSize - buffer.count else {
                throw WSProtocolError(.messageTooLarge(limit: maxMessageSize))
            }
            framesInMessage += 1
        } else {
            guard messageOpcode == nil else { throw WSProtocolError(.expectedContinuation) }
            let unclaimed = header.reservedBits.subtracting(claimedReservedBits)
            guard unclaimed.isEmpty else { throw WSProtocolError(.reservedBitsSet(unclaimed)) }
            guard header.payloadLength <= maxMessageSize else {
                throw WSProtocolError(.messageTooLarge(limit: maxMessageSize))
            }
            messageOpcode = header.opcode
            messageReservedBits = header.reservedBits
            framesInMessage = 1
            buffer = []
            validator.reset()
        }
        current = header
    }

    /// Adds payload bytes of the current frame: unmasks them into the message (or control)
    /// buffer and, for plain text, validates them at once.
    public mutating func receivePayload(_ chunk: WSPayloadChunk) throws(WSProtocolError) {
        guard let header = current else { return }
        if header.opcode.isControl {
            chunk.appendUnmasked(to: &controlPayload)
            return
        }
        // Reserve the rest of the frame once, so the buffer is not reallocated (and the payload
        // copied again) as chunks arrive; the header check bounds this by `maxMessageSize`.
        let restOfFrame = header.payloadLength - chunk.offsetInPayload
        let needed = buffer.count + restOfFrame
        if !(buffer.isEmpty && header.fin && chunk.count == restOfFrame) && buffer.capacity < needed {
            buffer.reserveCapacity(min(max(needed, buffer.capacity * 2), maxMessageSize))
        }
        let start = buffer.count
        chunk.appendUnmasked(to: &buffer)
        if messageOpcode == .text && messageReservedBits.isEmpty {
            let valid = buffer.withUnsafeBytes { validator.validate(UnsafeRawBufferPointer(rebasing: $0[start...])) }
            guard valid else { throw WSProtocolError(.invalidUTF8) }
        }
    }

    /// Ends the current frame; returns the message it completes, or the control frame it was.
    public mutating func receiveFrameEnd() throws(WSProtocolError) -> WSMessage? {
        guard let header = current else { return nil }
        current = nil
        switch header.opcode {
        case .ping: return .ping(controlPayload)
        case .pong: return .pong(controlPayload)
        case .close: return .close(try WSClosePayload(parsing: controlPayload))
        default: break
        }
        guard header.fin, let opcode = messageOpcode else { return nil }
        var payload = buffer
        let reservedBits = messageReservedBits
        buffer = []
        messageOpcode = nil
        messageReservedBits = []
        framesInMessage = 0
        if reservedBits.isEmpty {
            if opcode == .text && !validator.finish() { throw WSProtocolError(.invalidUTF8) }
        } else {
            var message = WSExtensionMessage(opcode: opcode, reservedBits: reservedBits, payload: payload)
            for index in extensions.indices.reversed() {
                message = try extensions[index].decode(message, maxPayloadLength: maxMessageSize)
            }
            payload = message.payload
            guard payload.count <= maxMessageSize else {
                throw WSProtocolError(.messageTooLarge(limit: maxMessageSize))
            }
            if opcode == .text && !UTF8Validator.isValid(payload) { throw WSProtocolError(.invalidUTF8) }
        }
        return opcode == .text ? .text(WSText(uncheckedUTF8: payload)) : .binary(payload)
    }
}
