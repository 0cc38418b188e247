import ServiceLifecycle
import WebSocketPubSub

/// Closes every session with 1001 when the service group shuts down, before the server stops.
///
/// Hummingbird's own graceful shutdown closes WebSockets with 1000; the pub/sub contract wants 1001
/// ("going away"). List this service after the application in the `ServiceGroup`: a group shuts its
/// services down in reverse order, so the sessions are closed while the server still runs.
///
/// ```swift
/// try await ServiceGroup(
///     services: [app, PubSubShutdownService(hub: hub)],
///     gracefulShutdownSignals: [.sigterm, .sigint], logger: app.logger
/// ).run()
/// ```
public struct PubSubShutdownService: Service {
    let hub: SessionHub

    /// Creates the service that shuts `hub` down.
    public init(hub: SessionHub) {
        self.hub = hub
    }

    public func run() async throws {
        try? await gracefulShutdown()
        await hub.shutdown()
    }
}
