import NIOCore
import Vapor
import WebSocketPubSub

extension Application {
    /// Serves on `host`:`port` until SIGTERM or SIGINT, then closes every session of `hub` with 1001
    /// before the server stops, and shuts the application down.
    ///
    /// Why not `app.execute()`: Vapor's `serve` command drops open WebSockets 10 s into a shutdown
    /// without a close frame, and its command line (`serve --port`) is not the host executables'
    /// contract. The server is started directly instead.
    ///
    /// - Parameter onListening: Called with the bound address (`127.0.0.1:8080`) once connections are
    ///   accepted.
    public func runPubSub(
        hub: SessionHub, host: String, port: Int, onListening: @Sendable (String) -> Void = { _ in }
    ) async throws {
        // Watched before the server starts, so that a signal during the start is not lost.
        let (stops, stop) = AsyncStream.makeStream(of: Int32.self)
        let signals = SignalWatcher { number in stop.yield(number) }
        do {
            try await server.start(address: .hostname(host, port: port))
        } catch {
            try await asyncShutdown()
            throw error
        }
        let address = http.server.shared.localAddress
        onListening("\(address?.ipAddress ?? host):\(address?.port ?? port)")
        for await _ in stops { break }
        withExtendedLifetime(signals) {}
        await hub.shutdown()
        await server.shutdown()
        try await asyncShutdown()
    }
}
