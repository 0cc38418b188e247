import Hummingbird
import HummingbirdWebSocket

extension HTTP1WebSocketUpgradeChannel.Configuration {
    /// The WebSocket settings the pub/sub endpoint needs.
    ///
    /// - `validateUTF8: true`: Hummingbird's default (`false`) turns invalid UTF-8 into U+FFFD
    ///   instead of closing with 1007, as RFC 6455 requires.
    /// - `maxFrameSize` is the message limit: a frame over it is refused from its header, before its
    ///   payload is buffered, and closes with 1009 (fragmented messages are bounded by the route).
    /// - `closeTimeout` of 5 s: a client that does not answer a close frame loses its socket soon.
    ///
    /// - Parameter maxMessageBytes: The largest message a client may send.
    public static func pubSub(maxMessageBytes: Int = 131_072) -> Self {
        .init(
            ws: .init(
                maxFrameSize: maxMessageBytes,
                autoPing: .enabled(timePeriod: .seconds(30)),
                closeTimeout: .seconds(5),
                validateUTF8: true
            )
        )
    }
}
