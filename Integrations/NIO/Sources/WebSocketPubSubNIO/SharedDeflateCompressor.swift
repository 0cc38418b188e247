import NIOConcurrencyHelpers
import WebSocketCompression
import WebSocketPubSub

/// The hub's ``BroadcastCompressor`` when `--permessage-deflate` is on: one zlib stream without
/// context, behind one lock, that compresses each published message once for every connection
/// that negotiated `server_no_context_takeover`.
///
/// One stream is about 320 KB at window 15 and memory level 8; publishes that compress at the same
/// moment take turns on it, which costs less than a stream per publish.
final class SharedDeflateCompressor: BroadcastCompressor {
    private let compressor: NIOLockedValueBox<PreparedDeflateCompressor>

    init(configuration: PermessageDeflateConfiguration) {
        compressor = NIOLockedValueBox(PreparedDeflateCompressor(configuration: configuration))
    }

    func compressedPayload(_ payload: [UInt8]) -> [UInt8]? {
        compressor.withLockedValue { $0.compressedPayload(payload) }
    }
}
