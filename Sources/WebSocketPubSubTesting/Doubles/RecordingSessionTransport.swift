public import WebSocketPubSub

/// A ``SessionTransport`` that records what a session writes and how it is closed, for tests of
/// routes, hosts and slow-consumer behaviour without a socket.
///
/// Writes can be held (``holdWrites()``), to play a peer that stops reading, and made to throw
/// (``failWrites()``), to play a connection that is gone.
///
/// ```swift
/// let transport = RecordingSessionTransport()
/// guard case .opened(let session) = await hub.connect(ConnectRequest(id: .random()), transport: transport)
/// else { return }
/// await session.handle(text: #"{"action":"subscribe","entityId":"E"}"#)
/// await transport.waitForMessages(1)
/// #expect(transport.texts == [#"{"status":"subscribed","entityId":"E"}"#])
/// ```
public final class RecordingSessionTransport: SessionTransport {
    /// A close the session asked for.
    public struct Close: Hashable, Sendable {
        /// The WebSocket close code.
        public var code: UInt16
        /// The reason text.
        public var reason: String
    }

    private struct State: Sendable {
        var messages: [OutboundMessage] = []
        var writeCalls = 0
        var closes: [Close] = []
        var holding = false
        var failing = false
        var heldWriters: [CheckedContinuation<Void, Never>] = []
        var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
        var closeWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = StoreLock(State())

    /// Whether this transport takes ``OutboundMessage/compressedPayload`` (as a connection that
    /// negotiated permessage-deflate without context takeover does).
    public let acceptsCompressedPayloads: Bool

    /// A transport that takes every write at once.
    public init(acceptsCompressedPayloads: Bool = false) {
        self.acceptsCompressedPayloads = acceptsCompressedPayloads
    }

    // MARK: - SessionTransport

    public func write(_ messages: [OutboundMessage]) async throws {
        let held = state.withLock { state -> Bool in
            state.writeCalls += 1
            return state.holding
        }
        if held {
            await withCheckedContinuation { continuation in
                let stillHeld = state.withLock { state -> Bool in
                    guard state.holding else { return false }
                    state.heldWriters.append(continuation)
                    return true
                }
                if !stillHeld { continuation.resume() }
            }
        }
        let (failing, ready) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
            guard !state.failing else { return (true, []) }
            state.messages.append(contentsOf: messages)
            let total = state.messages.count
            let ready = state.waiters.filter { $0.count <= total }.map(\.continuation)
            state.waiters.removeAll { $0.count <= total }
            return (false, ready)
        }
        for waiter in ready { waiter.resume() }
        if failing { throw TransportGone() }
    }

    public func close(code: UInt16, reason: String) async {
        let waiters = state.withLock { state in
            state.closes.append(Close(code: code, reason: reason))
            defer { state.closeWaiters = [] }
            return state.closeWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// What ``write(_:)`` throws once ``failWrites()`` was called.
    public struct TransportGone: Error, Hashable, Sendable {}

    // MARK: - Control

    /// Makes writes wait until ``releaseWrites()``: a peer that stopped reading.
    public func holdWrites() {
        state.withLock { $0.holding = true }
    }

    /// Lets held writes and later ones through.
    public func releaseWrites() {
        let writers = state.withLock { state in
            state.holding = false
            defer { state.heldWriters = [] }
            return state.heldWriters
        }
        for writer in writers { writer.resume() }
    }

    /// Makes writes throw from now on: the connection is gone.
    public func failWrites() {
        state.withLock { $0.failing = true }
    }

    // MARK: - Inspection

    /// Every message written, in order.
    public var messages: [OutboundMessage] {
        state.withLock { $0.messages }
    }

    /// Every message written, as UTF-8 text.
    public var texts: [String] {
        messages.map { String(decoding: $0.bytes, as: UTF8.self) }
    }

    /// How many times ``write(_:)`` was called (a call may carry several messages).
    public var writeCalls: Int {
        state.withLock { $0.writeCalls }
    }

    /// Every close the session asked for, in order.
    public var closes: [Close] {
        state.withLock { $0.closes }
    }

    /// Returns once at least `count` messages have been written.
    public func waitForMessages(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                if state.messages.count >= count { return true }
                state.waiters.append((count, continuation))
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// Returns once the session has asked to close at least once.
    public func waitForClose() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                if !state.closes.isEmpty { return true }
                state.closeWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }
}
