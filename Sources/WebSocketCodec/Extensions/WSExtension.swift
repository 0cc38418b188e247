/// A negotiated WebSocket extension that transforms whole data messages (RFC 6455 §9), such as
/// permessage-deflate (RFC 7692).
///
/// Contract:
/// - ``reservedBits`` are the RSV bits the extension claims; the decoder rejects every other RSV
///   bit. The bits are only allowed on the first frame of a text or binary message: a control or
///   continuation frame with an RSV bit fails the connection (as RFC 7692 requires for RSV1).
/// - On receive, a message whose first frame has any claimed bit set goes through
///   ``decode(_:maxPayloadLength:)`` of every extension, last negotiated first; a message without
///   RSV bits is not touched. UTF-8 validation of text runs on the decoded payload.
/// - On send, every data message goes through ``encode(_:)`` of every extension, first negotiated
///   first; each may transform the payload and set its bits. Control frames are never transformed.
/// - An extension keeps its own state (a compression context, say), which is why both methods
///   are `mutating`; the connection owns its extensions.
///
/// ```swift
/// struct Reverse: WSExtension {
///     var name: String { "x-reverse" }
///     var reservedBits: WSReservedBits { .rsv1 }
///     mutating func decode(_ message: WSExtensionMessage, maxPayloadLength: Int) throws(WSProtocolError) -> WSExtensionMessage {
///         guard message.reservedBits.contains(.rsv1) else { return message }
///         var message = message
///         message.payload.reverse()
///         message.reservedBits.remove(.rsv1)
///         return message
///     }
///     mutating func encode(_ message: WSExtensionMessage) -> WSExtensionMessage {
///         var message = message
///         message.payload.reverse()
///         message.reservedBits.insert(.rsv1)
///         return message
///     }
/// }
/// ```
public protocol WSExtension: Sendable {
    /// The extension's token as negotiated in `Sec-WebSocket-Extensions` (for error messages).
    var name: String { get }

    /// The RSV bits this extension gives a meaning to.
    var reservedBits: WSReservedBits { get }

    /// Undoes the extension's transformation of a received message.
    ///
    /// - Parameter maxPayloadLength: The configured message size limit. An extension whose output
    ///   can be larger than its input (decompression) must stop and throw
    ///   ``WSProtocolError/Kind/messageTooLarge(limit:)`` before producing more than this.
    /// - Throws: A ``WSProtocolError`` that fails the connection, typically
    ///   ``WSProtocolError/Kind/extensionFailure(extensionName:reason:closeCode:)``.
    mutating func decode(
        _ message: WSExtensionMessage,
        maxPayloadLength: Int
    ) throws(WSProtocolError) -> WSExtensionMessage

    /// Transforms a message about to be sent and sets the RSV bits that say so.
    mutating func encode(_ message: WSExtensionMessage) -> WSExtensionMessage
}
