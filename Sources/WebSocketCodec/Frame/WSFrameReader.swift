/// Reads whole frames from a byte stream: a ``WSFrameDecoder`` plus the payload of the
/// frame in progress.
///
/// For tests and simple hosts that want complete frames rather than streamed chunks. It buffers
/// at most one frame's payload (bounded by ``WSFrameDecoder/maxFrameSize``) and reuses one
/// scratch buffer for it, so ``read(_:_:)`` decodes small frames without allocating: the body
/// gets a borrowed, unmasked view of each payload, pointing straight into the input when the
/// frame is unmasked and arrived in one piece.
///
/// ```swift
/// var reader = WSFrameReader(role: .client)
/// try reader.read(input) { header, payload in
///     count += payload.count
/// }
/// ```
public struct WSFrameReader: Sendable {
    /// The underlying decoder (its limits and role).
    public private(set) var decoder: WSFrameDecoder
    /// The header of the frame whose payload is being gathered.
    private var current: WSFrameHeader?
    /// The unmasked payload gathered so far; its capacity is kept from frame to frame.
    private var scratch: [UInt8] = []

    /// Creates a reader; the parameters are those of ``WSFrameDecoder/init(role:maxFrameSize:allowedReservedBits:)``.
    public init(
        role: WSRole,
        maxFrameSize: Int = WSFrameDecoder.defaultMaxFrameSize,
        allowedReservedBits: WSReservedBits = []
    ) {
        self.decoder = WSFrameDecoder(
            role: role,
            maxFrameSize: maxFrameSize,
            allowedReservedBits: allowedReservedBits
        )
    }

    /// Decodes all of `input` and calls `body` once per completed frame with its header and its
    /// unmasked payload, which is valid only during the call.
    ///
    /// A frame that is not complete at the end of `input` is kept and finished by later calls.
    public mutating func read(
        _ input: UnsafeRawBufferPointer,
        _ body: (WSFrameHeader, UnsafeRawBufferPointer) -> Void
    ) throws(WSProtocolError) {
        var input = input
        var direct: UnsafeRawBufferPointer?
        while true {
            switch try decoder.next(from: &input) {
            case .needMoreData:
                return
            case .header(let header):
                current = header
                scratch.removeAll(keepingCapacity: true)
                direct = nil
            case .payload(let chunk):
                if chunk.maskingKey == nil && chunk.offsetInPayload == 0 && chunk.count == current?.payloadLength {
                    direct = chunk.wireBytes
                } else {
                    chunk.appendUnmasked(to: &scratch)
                }
            case .frameEnd:
                guard let header = current else { continue }
                current = nil
                if let direct {
                    body(header, direct)
                } else {
                    scratch.withUnsafeBytes { body(header, $0) }
                }
                direct = nil
            }
        }
    }

    /// Decodes all of `input` and returns the frames it completed, with owned payloads.
    public mutating func frames(from input: UnsafeRawBufferPointer) throws(WSProtocolError) -> [WSFrame] {
        var frames: [WSFrame] = []
        try read(input) { header, payload in
            frames.append(WSFrame(header: header, payload: Array(payload)))
        }
        return frames
    }

    /// Decodes all of `bytes` and returns the frames it completed, with owned payloads.
    public mutating func frames(from bytes: some Collection<UInt8>) throws(WSProtocolError) -> [WSFrame] {
        var frames: [WSFrame] = []
        var failure: WSProtocolError?
        Array(bytes).withUnsafeBytes { buffer in
            do throws(WSProtocolError) {
                frames = try self.frames(from: buffer)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return frames
    }
}
