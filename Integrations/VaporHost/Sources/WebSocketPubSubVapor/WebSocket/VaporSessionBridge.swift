import Logging
import NIOCore
import Synchronization
import WebSocketKit
import WebSocketPubSub

/// Hands one websocket-kit socket's messages to its ``PubSubSession``, in order, from the moment of the
/// upgrade.
///
/// websocket-kit delivers messages through synchronous callbacks on the channel's event loop, which
/// are registered at once; the session is opened asynchronously (its connection is recorded in the
/// store). Messages that arrive in between wait here, bounded like the session's own inbound queue.
/// The async `onText` is not used: it starts one task per message, and tasks do not keep order.
final class VaporSessionBridge: Sendable {
    private enum Inbound {
        case text(String)
        case binary
    }

    private enum State {
        case opening(waiting: [Inbound], socketClosed: Bool)
        case open(PubSubSession)
        case ended
    }

    /// Messages that may wait for the session to open; more is a client flooding a fresh connection.
    static let maxWaitingMessages = 64

    private let state = Mutex(State.opening(waiting: [], socketClosed: false))
    private let webSocket: WebSocket
    private let logger: Logger
    /// `ID from ADDRESS`, for the log lines.
    private let name: String

    private init(webSocket: WebSocket, connection: AuthorizedConnection, logger: Logger) {
        self.webSocket = webSocket
        self.logger = logger
        self.name = "\(connection.id) from \(connection.request.remoteAddress ?? "?")"
    }

    /// Opens the session of `connection` on `webSocket`, feeding it every message from now on; logs
    /// `open ID from ADDRESS` and, once the socket is gone, `close ID from ADDRESS` at `info`.
    static func start(
        _ connection: AuthorizedConnection, on webSocket: WebSocket, channel: any Channel, hub: SessionHub,
        logger: Logger
    ) {
        let bridge = VaporSessionBridge(webSocket: webSocket, connection: connection, logger: logger)
        webSocket.onText { _, text in bridge.receive(.text(text)) }
        webSocket.onBinary { _, _ in bridge.receive(.binary) }
        webSocket.onClose.whenComplete { _ in bridge.socketClosed() }
        let transport = VaporSessionTransport(webSocket: webSocket, channel: channel)
        Task {
            let session = await hub.open(connection, transport: transport)
            bridge.opened(session)
        }
    }

    private func receive(_ message: Inbound) {
        let overflow: Bool = state.withLock { state in
            switch state {
            case .opening(var waiting, let socketClosed):
                guard waiting.count < Self.maxWaitingMessages else { return true }
                waiting.append(message)
                state = .opening(waiting: waiting, socketClosed: socketClosed)
            case .open(let session):
                Self.deliver(message, to: session)
            case .ended:
                break
            }
            return false
        }
        if overflow {
            webSocket.close(code: .policyViolation, promise: nil)
        }
    }

    private func socketClosed() {
        // The socket's callbacks hold this bridge, which holds the socket: release them.
        webSocket.onText { _, _ in }
        webSocket.onBinary { _, _ in }
        logger.info("close \(name)")
        state.withLock { state in
            switch state {
            case .opening(let waiting, _):
                state = .opening(waiting: waiting, socketClosed: true)
            case .open(let session):
                session.transportClosed()
                state = .ended
            case .ended:
                break
            }
        }
    }

    private func opened(_ session: PubSubSession?) {
        state.withLock { state in
            guard case .opening(let waiting, let socketClosed) = state else { return }
            // No session: the store failed (the hub closed with 1011) or the server is shutting down (1001).
            guard let session else {
                state = .ended
                return
            }
            logger.info("open \(name)")
            // Under the lock, so that a message arriving now cannot overtake the ones that waited.
            for message in waiting { Self.deliver(message, to: session) }
            if socketClosed {
                session.transportClosed()
                state = .ended
            } else {
                state = .open(session)
            }
        }
    }

    private static func deliver(_ message: Inbound, to session: PubSubSession) {
        switch message {
        case .text(let text): session.receive(text: text)
        case .binary: session.receiveBinary()
        }
    }
}
