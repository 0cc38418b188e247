import ServiceLifecycle
import WebSocketPubSub

/// Closes every session with 1001 when the service group shuts down, before the server stops.
///
/// Hummingbird's own graceful shutdown closes WebSockets with 1000; the pub/sub contract wants 1001
/// ("going away"). List this service after the application in the `ServiceGroup`: a group shuts its
/// services down in reverse order, so the sessions are closed while the server still runs.
///
/// ```swift
/// let group = ServiceGroup(services: [app, PubSubShutdownService(hub: hub)], logger: app.logger)
/// let signals = SignalWatcher { _ in Task { await group.triggerGracefulShutdown() } }
/// try await group.run()
/// withExtendedLifetime(signals) {}
/// ```
///
/// This is what ``ApplicationProtocol/runPubSub(hub:)`` does. It stops on the library's
/// `SignalWatcher` rather than the group's `gracefulShutdownSignals`, a `DispatchSourceSignal` that
/// on Linux lost about one signal in 300 (see `SignalWatcher`).
public struct PubSubShutdownService: Service {
    let hub: SessionHub

    /// Creates the service that shuts `hub` down.
    public init(hub: SessionHub) {
        self.hub = hub
    }

    /// The longest the service waits for upgrades accepted before the shutdown to open.
    static let openingGrace: Duration = .seconds(1)

    public func run() async throws {
        try? await gracefulShutdown()
        await hub.shutdown()
        // An upgrade accepted just before the signal may still be opening its session; the hub closes
        // it with 1001 once it opens, which must come before Hummingbird's own close (1000). An upgrade
        // whose client vanished after the 101 never opens: hence the bound.
        let deadline = ContinuousClock.now + Self.openingGrace
        while OpeningUpgrades.count(hub) > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}
