import Hummingbird
import ServiceLifecycle
import WebSocketPubSub

extension ApplicationProtocol {
    /// Runs the application until SIGTERM or SIGINT, then closes every session of `hub` with 1001
    /// before the server stops (Hummingbird's own graceful shutdown would close them with 1000).
    ///
    /// The same as `runService()`, with a ``PubSubShutdownService`` listed after the application.
    public func runPubSub(hub: SessionHub) async throws {
        // A group shuts its services down in reverse order: the sessions first, then the server.
        let services: [any Service] = [self, PubSubShutdownService(hub: hub)]
        let group = ServiceGroup(services: services, logger: logger)
        // The library's watcher rather than the group's `gracefulShutdownSignals`, a
        // `DispatchSourceSignal`, which on Linux loses a signal now and then (see `SignalWatcher`).
        let signals = SignalWatcher { _ in Task { await group.triggerGracefulShutdown() } }
        try await group.run()
        withExtendedLifetime(signals) {}
    }
}
