import NIOConcurrencyHelpers
import NIOCore
import WebSocketPubSub

/// The WebSocket channels this process serves (pub/sub and `/echo` alike), for shutdown, and the
/// connection counts per address, for the connection limits.
///
/// Delivery does not go through here: pub/sub sessions live in the core's ``SessionHub``. One lock
/// guards one struct, so a registration and a count change are each atomic.
public final class ChannelRegistry: Sendable {
    private struct State {
        var channels: [ObjectIdentifier: WebSocketChannelHandle] = [:]
        var openConnections = 0
        var connectionsPerAddress: [String: Int] = [:]
        var isShuttingDown = false
    }

    private let state = NIOLockedValueBox(State())

    /// Creates an empty registry.
    public init() {}

    /// Adds a WebSocket channel; `false` once shutdown has begun, when the caller must close it itself.
    func register(_ handle: WebSocketChannelHandle) -> Bool {
        state.withLockedValue { state in
            guard !state.isShuttingDown else { return false }
            state.channels[ObjectIdentifier(handle.channel)] = handle
            return true
        }
    }

    /// Marks the registry as shutting down and returns the channels open at that moment: from then
    /// on ``register(_:)`` refuses, so no channel can slip past the shutdown.
    func beginShutdown() -> [WebSocketChannelHandle] {
        state.withLockedValue { state in
            state.isShuttingDown = true
            return Array(state.channels.values)
        }
    }

    func unregister(_ channel: any Channel) {
        _ = state.withLockedValue { $0.channels.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// The WebSocket channels open now.
    var allChannels: [WebSocketChannelHandle] {
        state.withLockedValue { Array($0.channels.values) }
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

/// What the registry keeps of one WebSocket channel: enough to reach its handler on its event loop.
struct WebSocketChannelHandle: Sendable {
    let channel: any Channel
    let handler: NIOLoopBound<ConnectionHandler>
}
