import Dispatch
import NIOCore
import Vapor
import WebSocketPubSub

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

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
        let stop = Self.signals([SIGTERM, SIGINT])
        do {
            try await server.start(address: .hostname(host, port: port))
        } catch {
            try await asyncShutdown()
            throw error
        }
        let address = http.server.shared.localAddress
        onListening("\(address?.ipAddress ?? host):\(address?.port ?? port)")
        for await _ in stop { break }
        await hub.shutdown()
        await server.shutdown()
        try await asyncShutdown()
    }

    /// A stream that yields when one of `signals` arrives; their default action (exit) is turned off.
    private static func signals(_ signals: [Int32]) -> AsyncStream<Int32> {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        let sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
        continuation.onTermination = { _ in
            for source in sources { source.cancel() }
        }
        return stream
    }
}
