/// A violation of RFC 6455 by the peer, found in the bytes it sent.
///
/// Each error carries the close code the connection is failed with (``closeCode``), so a host
/// never has to map errors to codes itself, and a ``description`` that says what the peer did
/// wrong. Errors from the local side's own misuse are ``WSUsageError``s instead.
public struct WSProtocolError: Error, Hashable, Sendable {
    /// What the peer did wrong.
    public enum Kind: Hashable, Sendable {
        /// A client sent a frame without the mask bit (RFC 6455 §5.1).
        case unmaskedFrameFromClient
        /// A server sent a frame with the mask bit (RFC 6455 §5.1).
        case maskedFrameFromServer
        /// A frame used an opcode RFC 6455 reserves (`0x3...0x7`, `0xB...0xF`).
        case reservedOpcode(UInt8)
        /// A frame set reserved bits that no negotiated extension claims (or that the claiming
        /// extension does not allow on this kind of frame).
        case reservedBitsSet(WSReservedBits)
        /// A control frame (close, ping, pong) had FIN clear.
        case fragmentedControlFrame
        /// A control frame declared more than 125 payload bytes (or a 16/64-bit length form).
        case controlFrameTooLong
        /// A frame's length used a longer encoding than needed (RFC 6455 §5.2: "the minimal number of bytes").
        case nonMinimalLength
        /// A frame's 64-bit length had its most significant bit set.
        case lengthTopBitSet
        /// A frame declared more payload bytes than the configured limit.
        case frameTooLarge(limit: Int)
        /// A message would grow beyond the configured limit.
        case messageTooLarge(limit: Int)
        /// A text message (or a fragment of one) was not valid UTF-8.
        case invalidUTF8
        /// A continuation frame arrived while no fragmented message was in progress.
        case unexpectedContinuation
        /// A new text or binary frame arrived while a fragmented message was still in progress.
        case expectedContinuation
        /// A close frame carried a status code that may not be sent on the wire.
        case invalidCloseCode(UInt16)
        /// A close frame carried exactly one payload byte (a code needs two).
        case invalidClosePayloadLength
        /// A close frame's reason was not valid UTF-8.
        case invalidCloseReason
        /// A fragmented message had more frames than the configured limit.
        case tooManyFragments(limit: Int)
        /// A negotiated extension could not decode a message (for example corrupt compressed data).
        case extensionFailure(extensionName: String, reason: String, closeCode: WSCloseCode)
    }

    /// What the peer did wrong.
    public var kind: Kind

    /// Creates an error of the given kind.
    public init(_ kind: Kind) {
        self.kind = kind
    }

    /// The code of the close frame that fails the connection: 1002 for protocol errors, 1007 for
    /// invalid UTF-8, 1009 for size limits, 1008 for the fragment-count policy.
    public var closeCode: WSCloseCode {
        switch kind {
        case .unmaskedFrameFromClient, .maskedFrameFromServer, .reservedOpcode, .reservedBitsSet,
            .fragmentedControlFrame, .controlFrameTooLong, .nonMinimalLength, .lengthTopBitSet,
            .unexpectedContinuation, .expectedContinuation, .invalidCloseCode, .invalidClosePayloadLength:
            .protocolError
        case .frameTooLarge, .messageTooLarge:
            .messageTooBig
        case .invalidUTF8, .invalidCloseReason:
            .invalidFramePayloadData
        case .tooManyFragments:
            .policyViolation
        case .extensionFailure(_, _, let code):
            code
        }
    }
}
