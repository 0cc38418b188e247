extension WSProtocolError: CustomStringConvertible {
    /// What the peer did wrong, in one sentence.
    ///
    /// A connection sends it as the reason of the close frame that fails the connection,
    /// shortened to the 123 bytes a close frame can carry.
    public var description: String {
        switch kind {
        case .unmaskedFrameFromClient:
            "client frame not masked (RFC 6455 5.1)"
        case .maskedFrameFromServer:
            "server frame masked (RFC 6455 5.1)"
        case .reservedOpcode(let opcode):
            "reserved opcode 0x\(String(opcode, radix: 16, uppercase: true))"
        case .reservedBitsSet(let bits):
            "reserved bits 0x\(String(bits.rawValue, radix: 16, uppercase: true)) set without an extension claiming them"
        case .fragmentedControlFrame:
            "control frame without FIN: control frames must not be fragmented"
        case .controlFrameTooLong:
            "control frame payload longer than 125 bytes"
        case .nonMinimalLength:
            "frame length not in its minimal encoding"
        case .lengthTopBitSet:
            "64-bit frame length with its most significant bit set"
        case .frameTooLarge(let limit):
            "frame larger than the limit of \(limit) bytes"
        case .messageTooLarge(let limit):
            "message larger than the limit of \(limit) bytes"
        case .invalidUTF8:
            "text message is not valid UTF-8"
        case .unexpectedContinuation:
            "continuation frame without a message to continue"
        case .expectedContinuation:
            "new data frame while a fragmented message is unfinished"
        case .invalidCloseCode(let code):
            "close code \(code) may not be sent on the wire"
        case .invalidClosePayloadLength:
            "close payload of 1 byte: a status code needs 2"
        case .invalidCloseReason:
            "close reason is not valid UTF-8"
        case .tooManyFragments(let limit):
            "message split into more than \(limit) frames"
        case .extensionFailure(let name, let reason, _):
            "\(name): \(reason)"
        }
    }
}
