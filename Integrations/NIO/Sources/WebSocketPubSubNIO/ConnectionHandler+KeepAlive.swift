import NIOCore
import WebSocketCodec
import WebSocketPubSub

/// Keep-alive: a ping after silence, and the end of a peer that does not answer it.
extension ConnectionHandler {
    /// Pings a connection that has been silent for the ping interval, and drops it when the pong
    /// does not come within the ping timeout (no close frame: a peer that does not answer pings
    /// would not answer a close either).
    func scheduleKeepAlive(after delay: TimeAmount) {
        keepAliveTimer = context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [weak self] in
            self?.keepAliveCheck()
        }
    }

    func keepAliveCheck() {
        guard case .webSocket = phase else { return }
        let configuration = app.configuration
        let now = NIODeadline.now()
        if let pingSentAt {
            let waited = now - pingSentAt
            if waited >= configuration.pingTimeout.timeAmount {
                Log.info("dropping \(connectionID?.description ?? "echo session") from \(remoteAddress): no pong")
                context.close(promise: nil)
            } else {
                scheduleKeepAlive(after: configuration.pingTimeout.timeAmount - waited)
            }
            return
        }
        let silent = now - lastInboundAt
        if silent >= configuration.pingInterval.timeAmount {
            pingSentAt = now
            send { try $0.sendPing([]) }
            scheduleKeepAlive(after: configuration.pingTimeout.timeAmount)
        } else {
            scheduleKeepAlive(after: configuration.pingInterval.timeAmount - silent)
        }
    }

    /// Arms the configured idle timeout and connection lifetime: either closes the connection with
    /// 1001, as API Gateway does.
    func scheduleConnectionLimits() {
        let configuration = app.configuration
        if let lifetime = configuration.maxConnectionLifetime {
            lifetimeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: lifetime.timeAmount) { [weak self] in
                self?.close(code: .goingAway, reason: "connection lifetime reached")
            }
        }
        if let idle = configuration.idleTimeout {
            lastMessageAt = .now()
            scheduleIdleCheck(after: idle.timeAmount)
        }
    }

    func scheduleIdleCheck(after delay: TimeAmount) {
        idleTimer = context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [weak self] in
            self?.idleCheck()
        }
    }

    func idleCheck() {
        guard case .webSocket = phase, let idle = app.configuration.idleTimeout?.timeAmount else { return }
        let silent = NIODeadline.now() - lastMessageAt
        if silent >= idle {
            close(code: .goingAway, reason: "idle timeout")
        } else {
            scheduleIdleCheck(after: idle - silent)
        }
    }

    static func describe(_ address: SocketAddress) -> String {
        guard let ip = address.ipAddress, let port = address.port else { return "\(address)" }
        return address.protocol == .inet6 ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }
}
