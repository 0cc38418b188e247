import Hummingbird
import HummingbirdWebSocket
import NIOCore
import Synchronization
import WebSocketPubSub

/// A request context that can serve the pub/sub WebSocket endpoint.
///
/// Hummingbird asks the WebSocket router whether to upgrade (`shouldUpgrade`) and later runs the
/// handler (`onUpgrade`) with the context of that same request; ``pubSub`` is where the `$connect`
/// decision taken in the first step waits for the second.
public protocol PubSubRequestContext: WebSocketRequestContext {
    /// Carries this request's `$connect` decision from `shouldUpgrade` to `onUpgrade`.
    var pubSub: PubSubUpgrade { get }
}

/// The request context of a router that serves only the pub/sub endpoint and plain HTTP routes.
public struct BasicPubSubRequestContext: RequestContext, PubSubRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<Self>
    public let pubSub: PubSubUpgrade

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.webSocket = .init()
        self.pubSub = PubSubUpgrade(channel: source.channel)
    }
}

/// One upgrade request's state between `shouldUpgrade` and `onUpgrade`: its channel and, once
/// `$connect` accepted it, the authorized connection.
///
/// A class because the request context is copied between the two steps; one `Mutex` guards the one
/// value that changes.
public final class PubSubUpgrade: Sendable {
    /// The connection's channel: closing a connection whose reader stopped reading needs it, and so
    /// does answering a refused upgrade with its own status.
    public let channel: any Channel
    private let authorized = Mutex<AuthorizedConnection?>(nil)

    /// Creates the state of one request on `channel`.
    public init(channel: any Channel) {
        self.channel = channel
    }

    func accept(_ connection: AuthorizedConnection) {
        authorized.withLock { $0 = connection }
    }

    /// The accepted connection, once: a second upgrade of the same request finds nothing.
    func take() -> AuthorizedConnection? {
        authorized.withLock { value in
            defer { value = nil }
            return value
        }
    }
}
