import NIOConcurrencyHelpers
import NIOCore
import WebSocketPubSub

/// The open WebSocket sessions of this process, by connection id, and the per-address counts.
///
/// One lock guards one struct, so a lookup, a registration and a count change are each atomic.
/// The sender reads it on every publish; the handlers write it when a session opens or closes.
public final class SessionRegistry: Sendable {
    private struct State {
        var sessions: [ConnectionID: SessionHandle] = [:]
        var openConnections = 0
        var connectionsPerAddress: [String: Int] = [:]
        var isShuttingDown = false
    }

    private let state = NIOLockedValueBox(State())

    /// Creates an empty registry.
    public init() {}

    /// Adds a session; `false` once shutdown has begun, when the caller must close it itself.
    func register(_ session: SessionHandle) -> Bool {
        state.withLockedValue { state in
            guard !state.isShuttingDown else { return false }
            state.sessions[session.id] = session
            return true
        }
    }

    /// Marks the registry as shutting down and returns the sessions open at that moment: from then
    /// on ``register(_:)`` refuses, so no session can slip past the shutdown.
    func beginShutdown() -> [SessionHandle] {
        state.withLockedValue { state in
            state.isShuttingDown = true
            return Array(state.sessions.values)
        }
    }

    func unregister(_ id: ConnectionID) {
        _ = state.withLockedValue { $0.sessions.removeValue(forKey: id) }
    }

    func session(_ id: ConnectionID) -> SessionHandle? {
        state.withLockedValue { $0.sessions[id] }
    }

    /// Looks up many sessions under one lock acquisition; `nil` where a connection is not held here.
    func sessions(_ ids: [ConnectionID]) -> [SessionHandle?] {
        state.withLockedValue { state in ids.map { state.sessions[$0] } }
    }

    /// The sessions open now.
    public var allSessions: [SessionHandle] {
        state.withLockedValue { Array($0.sessions.values) }
    }

    /// Counts a new TCP connection; `false` when a configured limit would be exceeded.
    func admit(address: String, configuration: ServerConfiguration) -> Bool {
        state.withLockedValue { state in
            if let limit = configuration.maxConnections, state.openConnections >= limit { return false }
            if let limit = configuration.maxConnectionsPerAddress,
                state.connectionsPerAddress[address, default: 0] >= limit
            {
                return false
            }
            state.openConnections += 1
            state.connectionsPerAddress[address, default: 0] += 1
            return true
        }
    }

    func release(address: String) {
        state.withLockedValue { state in
            state.openConnections -= 1
            let remaining = state.connectionsPerAddress[address, default: 1] - 1
            state.connectionsPerAddress[address] = remaining > 0 ? remaining : nil
        }
    }
}

/// What the registry keeps of one WebSocket session: enough to reach its handler on its event loop.
public struct SessionHandle: Sendable {
    /// The session's connection id.
    public let id: ConnectionID
    /// The session's TCP channel.
    public let channel: any Channel
    let handler: NIOLoopBound<ConnectionHandler>
}
