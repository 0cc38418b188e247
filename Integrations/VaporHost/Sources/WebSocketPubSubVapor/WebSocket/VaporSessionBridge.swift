import Logging
import NIOCore
import Synchronization
import WebSocketKit
import WebSocketPubSub

/// Hands one websocket-kit socket's messages to its ``PubSubSession``, in order, from the moment of the
/// upgrade, and stops reading the socket while the session is behind.
///
/// websocket-kit delivers messages through synchronous callbacks on the channel's event loop, as fast as
/// the socket brings them; the session queues at most `maxQueuedInboundMessages` and closes with 1008
/// beyond. So at most half that many are handed over at a time (`receive(text:whenHandled:)`); the
/// rest wait here, and while more than ``highWaterBytes`` wait, the channel stops reading (`autoRead`),
/// so a fast sender is slowed by TCP instead of closed. The session is opened asynchronously (its
/// connection is recorded in the store); messages that arrive before wait the same way.
/// The async `onText` is not used: it starts one task per message, and tasks do not keep order.
final class VaporSessionBridge: Sendable {
    private enum Inbound {
        case text(String)
        case binary

        /// Bytes a waiting message counts for: its text and a fixed cost, so empty ones count too.
        var cost: Int {
            switch self {
            case .text(let text): 64 + text.utf8.count
            case .binary: 64
            }
        }
    }

    private struct State {
        var session: PubSubSession?
        var waiting: [Inbound] = []
        var waitingBytes = 0
        /// Messages handed to the session and not handled yet.
        var inFlight = 0
        /// Whether one thread is handing messages over; only it does, so that order is kept.
        var delivering = false
        var socketClosed = false
        var ended = false
        /// Whether reading was paused and not resumed since.
        var readingPaused = false

        var wantsReading: Bool { waitingBytes <= VaporSessionBridge.highWaterBytes }
    }

    /// Bytes of waiting messages over which the channel stops reading (it reads again below).
    static let highWaterBytes = 64 << 10

    private let state = Mutex(State())
    private let webSocket: WebSocket
    private let channel: any Channel
    private let window: Int
    private let logger: Logger
    /// `ID from ADDRESS`, for the log lines.
    private let name: String

    private init(
        webSocket: WebSocket, channel: any Channel, window: Int, connection: AuthorizedConnection, logger: Logger
    ) {
        self.webSocket = webSocket
        self.channel = channel
        self.window = window
        self.logger = logger
        self.name = "\(connection.id) from \(connection.request.remoteAddress ?? "?")"
    }

    /// Opens the session of `connection` on `webSocket`, feeding it every message from now on; logs
    /// `open ID from ADDRESS` and, once the socket is gone, `close ID from ADDRESS` at `info`.
    static func start(
        _ connection: AuthorizedConnection, on webSocket: WebSocket, channel: any Channel, hub: SessionHub,
        logger: Logger
    ) {
        let window = max(1, hub.configuration.maxQueuedInboundMessages / 2)
        let bridge = VaporSessionBridge(
            webSocket: webSocket, channel: channel, window: window, connection: connection, logger: logger)
        webSocket.onText { _, text in bridge.received(.text(text)) }
        webSocket.onBinary { _, _ in bridge.received(.binary) }
        webSocket.onClose.whenComplete { _ in bridge.socketClosed() }
        let transport = VaporSessionTransport(webSocket: webSocket, channel: channel)
        Task {
            let session = await hub.open(connection, transport: transport)
            bridge.opened(session)
        }
    }

    private func received(_ message: Inbound) {
        let pauseReading: Bool = state.withLock { state in
            guard !state.ended else { return false }
            state.waiting.append(message)
            state.waitingBytes += message.cost
            guard !state.wantsReading, !state.readingPaused else { return false }
            state.readingPaused = true
            return true
        }
        if pauseReading { updateReading() }
        deliver()
    }

    private func opened(_ session: PubSubSession?) {
        // No session: the store failed (the hub closed with 1011) or the server is shutting down (1001).
        guard let session else {
            state.withLock { $0.ended = true }
            return
        }
        logger.info("open \(name)")
        state.withLock { $0.session = session }
        deliver()
    }

    private func handled() {
        state.withLock { $0.inFlight -= 1 }
        deliver()
    }

    private func socketClosed() {
        // The socket's callbacks hold this bridge, which holds the socket: release them.
        webSocket.onText { _, _ in }
        webSocket.onBinary { _, _ in }
        logger.info("close \(name)")
        state.withLock { $0.socketClosed = true }
        deliver()
    }

    /// Hands waiting messages to the session while it has room, then the end of the socket once
    /// nothing waits; one thread at a time, the others leave their part to it.
    private func deliver() {
        enum Step {
            case message(PubSubSession, Inbound)
            case close(PubSubSession)
            case done(resumeReading: Bool)
        }
        let claimed = state.withLock { state in
            guard !state.delivering else { return false }
            state.delivering = true
            return true
        }
        guard claimed else { return }
        while true {
            let step: Step = state.withLock { state in
                guard let session = state.session, !state.ended else {
                    state.delivering = false
                    return .done(resumeReading: false)
                }
                if !state.waiting.isEmpty, state.inFlight < window {
                    let message = state.waiting.removeFirst()
                    state.waitingBytes -= message.cost
                    state.inFlight += 1
                    return .message(session, message)
                }
                if state.waiting.isEmpty, state.socketClosed {
                    state.ended = true
                    return .close(session)
                }
                state.delivering = false
                guard state.readingPaused, state.wantsReading else { return .done(resumeReading: false) }
                state.readingPaused = false
                return .done(resumeReading: true)
            }
            switch step {
            case .message(let session, .text(let text)):
                session.receive(text: text) { self.handled() }
            case .message(let session, .binary):
                session.receiveBinary { self.handled() }
            case .close(let session):
                session.transportClosed()
                state.withLock { $0.delivering = false }
                return
            case .done(let resumeReading):
                if resumeReading { updateReading() }
                return
            }
        }
    }

    /// Sets the channel's `autoRead` to what the waiting messages call for when the event loop gets to
    /// it: the latest call decides, whatever order the calls from different threads arrive in.
    private func updateReading() {
        channel.eventLoop.execute {
            let wanted = self.state.withLock { $0.wantsReading || $0.ended }
            self.channel.setOption(ChannelOptions.autoRead, value: wanted).whenFailure { _ in }
        }
    }
}
