/// The payload of a close frame: an optional status code and a UTF-8 reason (RFC 6455 §5.5.1).
public struct WSClosePayload: Hashable, Sendable {
    /// The most bytes of UTF-8 a reason can have: 125 payload bytes minus the 2-byte code.
    public static let maxReasonLength = 123

    /// The status code; `nil` for an empty close payload (reported as 1005 ``WSCloseCode/noStatusReceived``).
    public var code: WSCloseCode?
    /// The reason, empty when none was given.
    public var reason: String

    /// Creates a close payload to send.
    ///
    /// - Throws: ``WSUsageError/invalidCloseCode(_:)`` for a code that may not be sent,
    ///   ``WSUsageError/closeReasonTooLong(byteCount:)`` for a reason over 123 bytes, or
    ///   ``WSUsageError/invalidCloseCode(_:)`` for a reason without a code (only a close
    ///   frame with a code may carry a reason).
    public init(code: WSCloseCode?, reason: String = "") throws(WSUsageError) {
        if let code {
            guard code.isValidOnWire else { throw .invalidCloseCode(code.rawValue) }
        } else if !reason.isEmpty {
            throw .invalidCloseCode(WSCloseCode.noStatusReceived.rawValue)
        }
        let length = reason.utf8.count
        guard length <= Self.maxReasonLength else { throw .closeReasonTooLong(byteCount: length) }
        self.code = code
        self.reason = reason
    }

    /// Parses a received close payload, checking every rule of RFC 6455 §5.5.1 and §7.4.
    ///
    /// - Throws: ``WSProtocolError/Kind/invalidClosePayloadLength`` for one byte,
    ///   ``WSProtocolError/Kind/invalidCloseCode(_:)`` for a code not valid on the wire,
    ///   ``WSProtocolError/Kind/invalidCloseReason`` for a reason that is not UTF-8.
    public init(parsing payload: some Collection<UInt8>) throws(WSProtocolError) {
        let bytes = Array(payload)
        switch bytes.count {
        case 0:
            self.code = nil
            self.reason = ""
        case 1:
            throw WSProtocolError(.invalidClosePayloadLength)
        default:
            let code = WSCloseCode(UInt16(bytes[0]) << 8 | UInt16(bytes[1]))
            guard code.isValidOnWire else { throw WSProtocolError(.invalidCloseCode(code.rawValue)) }
            let reasonBytes = bytes[2...]
            guard UTF8Validator.isValid(reasonBytes) else { throw WSProtocolError(.invalidCloseReason) }
            self.code = code
            self.reason = String(decoding: reasonBytes, as: UTF8.self)
        }
    }

    /// The code to report to the application: ``code``, or 1005 when the payload had none.
    public var reportedCode: WSCloseCode { code ?? .noStatusReceived }

    /// The payload's bytes: the code in network order followed by the reason, or nothing.
    public var bytes: [UInt8] {
        guard let code else { return [] }
        var bytes: [UInt8] = [UInt8(truncatingIfNeeded: code.rawValue >> 8), UInt8(truncatingIfNeeded: code.rawValue)]
        bytes.append(contentsOf: reason.utf8)
        return bytes
    }

    /// `reason` cut to at most `maxBytes` bytes of UTF-8 without splitting a character's encoding.
    static func truncating(_ reason: String, toUTF8Count maxBytes: Int = maxReasonLength) -> String {
        guard reason.utf8.count > maxBytes else { return reason }
        var result = ""
        var length = 0
        for scalar in reason.unicodeScalars {
            let scalarLength = UTF8.width(scalar)
            guard length + scalarLength <= maxBytes else { break }
            result.unicodeScalars.append(scalar)
            length += scalarLength
        }
        return result
    }
}
