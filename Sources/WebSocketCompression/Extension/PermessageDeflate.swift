public import WebSocketCodec

/// The permessage-deflate extension (RFC 7692) for one connection: compresses the messages it
/// sends and decompresses those that arrive with RSV1 set.
///
/// Negotiate with ``PermessageDeflateConfiguration`` and pass the result to ``WSConnection``:
///
/// ```swift
/// let deflate = PermessageDeflateConfiguration()  // server defaults
/// let handshake = WSServerHandshake(configuration: .init(extensionNegotiator: deflate.serverNegotiator))
/// if case .accept(let response, _, let extensions) = handshake.respond(to: head) {
///     let negotiated = try extensions.first.map {
///         try PermessageDeflate(role: .server, agreedElement: $0, configuration: deflate)
///     }
///     var connection = WSConnection(role: .server, extensions: negotiated.map { [$0] } ?? [])
/// }
/// ```
///
/// Receiving: the compressed message is inflated in bounded steps and inflating stops with
/// ``WSProtocolError/Kind/messageTooLarge(limit:)`` (1009) as soon as the output passes the
/// connection's ``WSConfiguration/maxMessageSize``, so the limit applies to the decompressed size
/// and a small frame that inflates to gigabytes costs at most the limit. Data that is not valid
/// DEFLATE fails the connection with 1007.
///
/// Sending: messages of ``PermessageDeflateConfiguration/minimumMessageSize`` bytes or more are
/// compressed and sent with RSV1 on their (only) frame; control frames are never touched (the
/// connection does not pass them to extensions). The zlib streams are created on first use, so
/// a connection that sends or receives no compressed message holds no zlib memory.
///
/// Value semantics: copying the extension (or the connection holding it) and using both copies
/// gives two independent compression contexts (zlib's `deflateCopy` / `inflateCopy`).
public struct PermessageDeflate: WSExtension {
    /// The local role.
    public let role: WSRole
    /// The agreed parameters.
    public let parameters: PermessageDeflateParameters
    /// The local settings (memory level, compression level, minimum size, the window limit of the
    /// local compressor).
    public let configuration: PermessageDeflateConfiguration

    private var compressor: ZlibDeflater?
    private var decompressor: ZlibInflater?

    /// Creates the extension from agreed parameters.
    public init(
        role: WSRole,
        parameters: PermessageDeflateParameters,
        configuration: PermessageDeflateConfiguration
    ) {
        self.role = role
        self.parameters = parameters
        self.configuration = configuration
    }

    /// Creates the extension from the element the server accepted: on a server the element its
    /// negotiator returned (``WSServerHandshakeResult``'s extensions), on a client the one
    /// ``PermessageDeflateConfiguration/clientAgreement(from:)`` validated.
    ///
    /// - Throws: ``PermessageDeflateNegotiationError`` when the element is not a valid response.
    public init(
        role: WSRole,
        agreedElement: WSExtensionOffer,
        configuration: PermessageDeflateConfiguration
    ) throws(PermessageDeflateNegotiationError) {
        self.init(
            role: role,
            parameters: try PermessageDeflateParameters(parsing: agreedElement, isResponse: true),
            configuration: configuration
        )
    }

    /// `permessage-deflate`.
    public var name: String { PermessageDeflateParameters.extensionName }

    /// RSV1, the "per-message compressed" bit.
    public var reservedBits: WSReservedBits { .rsv1 }

    /// The window the local side compresses with: what was agreed for its role, and no more than
    /// the local configuration allows.
    public var compressionWindowBits: Int {
        switch role {
        case .server: min(parameters.effectiveServerWindowBits, configuration.serverMaxWindowBits)
        case .client: min(parameters.effectiveClientWindowBits, configuration.clientMaxWindowBits)
        }
    }

    /// The window the peer compresses with at most, which the decompressor must hold.
    public var decompressionWindowBits: Int {
        switch role {
        case .server: parameters.effectiveClientWindowBits
        case .client: parameters.effectiveServerWindowBits
        }
    }

    /// Whether the local compressor starts afresh for each message.
    public var resetsCompressor: Bool {
        role == .server ? parameters.serverNoContextTakeover : parameters.clientNoContextTakeover
    }

    /// Whether the peer's compressor starts afresh for each message, so the decompressor may too.
    public var resetsDecompressor: Bool {
        role == .server ? parameters.clientNoContextTakeover : parameters.serverNoContextTakeover
    }

    /// Inflates a message whose first frame has RSV1 set (RFC 7692 §7.2.2): the payload followed by
    /// `00 00 ff ff`, within `maxPayloadLength` bytes of output.
    public mutating func decode(
        _ message: WSExtensionMessage,
        maxPayloadLength: Int
    ) throws(WSProtocolError) -> WSExtensionMessage {
        guard message.reservedBits.contains(.rsv1) else { return message }
        let inflater = uniqueDecompressor()
        inflater.beginMessage()
        var output: [UInt8] = []
        do throws(ZlibInflater.Failure) {
            try inflater.inflate(message.payload, limit: maxPayloadLength, appendingTo: &output)
            try inflater.inflate(Self.tail, limit: maxPayloadLength - output.count, appendingTo: &output)
        } catch {
            switch error {
            case .tooLarge:
                throw WSProtocolError(.messageTooLarge(limit: maxPayloadLength))
            case .invalidData(let reason):
                throw WSProtocolError(
                    .extensionFailure(
                        extensionName: name,
                        reason: "invalid compressed data: \(reason)",
                        closeCode: .invalidFramePayloadData
                    )
                )
            }
        }
        if resetsDecompressor { inflater.reset() }
        var decoded = message
        decoded.reservedBits.remove(.rsv1)
        decoded.payload = output
        return decoded
    }

    /// Deflates a message (RFC 7692 §7.2.1) unless it is shorter than
    /// ``PermessageDeflateConfiguration/minimumMessageSize``: a sync flush, without its final
    /// `00 00 ff ff`, with RSV1 set.
    public mutating func encode(_ message: WSExtensionMessage) -> WSExtensionMessage {
        guard message.payload.count >= configuration.minimumMessageSize else { return message }
        let deflater = uniqueCompressor()
        let output = Self.compress(message.payload, with: deflater)
        if resetsCompressor {
            deflater.reset()
            // Sending the original instead is only safe when no later message can refer to this one.
            if output.count >= message.payload.count { return message }
        }
        var encoded = message
        encoded.payload = output
        encoded.reservedBits.insert(.rsv1)
        return encoded
    }

    /// The empty stored block a sync flush ends with, removed by the sender and appended by the
    /// receiver (RFC 7692 §7.2.1, §7.2.2).
    static let tail: [UInt8] = [0x00, 0x00, 0xFF, 0xFF]

    /// One message's compressed payload: a sync flush without its last four bytes.
    static func compress(_ payload: [UInt8], with deflater: ZlibDeflater) -> [UInt8] {
        // zlib writes nothing for empty input right after a flush, and the receiver's appended
        // `00 00 ff ff` would then lack its block header: §7.2.3.6's single 0x00 supplies it.
        guard !payload.isEmpty else { return [0x00] }
        var output: [UInt8] = []
        payload.withUnsafeBytes { deflater.compressWithSyncFlush($0, appendingTo: &output) }
        if output.count >= 4 && Array(output.suffix(4)) == tail { output.removeLast(4) }
        return output
    }

    private mutating func uniqueCompressor() -> ZlibDeflater {
        if compressor == nil {
            compressor = ZlibDeflater(
                windowBits: compressionWindowBits,
                memoryLevel: configuration.memoryLevel,
                level: configuration.compressionLevel
            )
        } else if !isKnownUniquelyReferenced(&compressor) {
            compressor = compressor?.copy()
        }
        // Set just above.
        return compressor!
    }

    private mutating func uniqueDecompressor() -> ZlibInflater {
        if decompressor == nil {
            // zlib deflates "8" with a 512-byte window, so some peers that agreed to 8 send
            // distances up to 512: a 9-bit window reads both.
            decompressor = ZlibInflater(windowBits: max(decompressionWindowBits, 9))
        } else if !isKnownUniquelyReferenced(&decompressor) {
            decompressor = decompressor?.copy()
        }
        return decompressor!
    }
}
