/// A misuse of the API by the local side, such as sending after the connection closed.
///
/// Kept apart from ``WSProtocolError``: these are bugs or races in the host, never the
/// peer's fault, and they never put a close frame on the wire.
public enum WSUsageError: Error, Hashable, Sendable {
    /// Nothing more may be sent: a close frame was already sent (RFC 6455 §5.5.1) or the
    /// connection is closed.
    case connectionClosed
    /// A close reason was longer than the 123 bytes of UTF-8 a close frame can carry.
    case closeReasonTooLong(byteCount: Int)
    /// The close code may not be sent on the wire (1005, 1006, 1015, or outside the valid ranges).
    case invalidCloseCode(UInt16)
    /// A ping or pong payload was longer than the 125 bytes a control frame can carry.
    case controlPayloadTooLong(byteCount: Int)
    /// Bytes given as text were not valid UTF-8.
    case invalidUTF8
}
