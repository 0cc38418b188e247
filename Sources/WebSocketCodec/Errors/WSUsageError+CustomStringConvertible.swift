extension WSUsageError: CustomStringConvertible {
    /// What the caller did wrong and what to do instead.
    public var description: String {
        switch self {
        case .connectionClosed:
            "cannot send: a close frame was already sent or the connection is closed"
        case .closeReasonTooLong(let count):
            "close reason is \(count) bytes of UTF-8; at most 123 fit in a close frame"
        case .invalidCloseCode(let code):
            "close code \(code) may not be sent; use 1000-1003, 1007-1014 or 3000-4999"
        case .controlPayloadTooLong(let count):
            "control frame payload is \(count) bytes; at most 125 are allowed"
        case .invalidUTF8:
            "text to send is not valid UTF-8; send it as binary instead"
        }
    }
}
