import NIOCore
import NIOPosix
import WebSocketPubSub

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs a ``ServerApp`` on a TCP port until SIGINT, SIGTERM or ``requestStop(_:status:)``, then
/// shuts down gracefully: every client gets a 1001 close and a bounded time to answer it.
///
/// ```swift
/// let runner = ServerRunner(app: .inMemory(configuration: configuration))
/// exit(await runner.run())
/// ```
public struct ServerRunner: Sendable {
    /// Why the server stops, and the exit status that goes with it.
    private struct Stop: Sendable {
        var reason: String
        var status: Int32
    }

    /// What the runner serves.
    public let app: ServerApp
    private let stops: AsyncStream<Stop>
    private let stopContinuation: AsyncStream<Stop>.Continuation

    /// A runner for `app`; nothing listens until ``run(beforeListening:)``.
    public init(app: ServerApp) {
        self.app = app
        (stops, stopContinuation) = AsyncStream.makeStream(of: Stop.self)
    }

    /// Shuts the server down as a signal would, for a reason of the host's own (a cluster node
    /// that lost its lease); ``run(beforeListening:)`` then returns `status`. Only the first request counts.
    public func requestStop(_ reason: String, status: Int32) {
        stopContinuation.yield(Stop(reason: reason, status: status))
    }

    /// Listens, serves, and returns the process's exit status once shut down: 0 after a signal,
    /// 1 if it could not listen or `beforeListening` threw, or the status of a stop request.
    ///
    /// - Parameter beforeListening: Runs once the port is bound (it receives the port, useful with
    ///   port 0) and before `listening on HOST:PORT` is logged; a node registers itself here.
    public func run(beforeListening: (_ port: Int) async throws -> Void = { _ in }) async -> Int32 {
        let configuration = app.configuration
        let stopContinuation = self.stopContinuation
        let signals = SignalWatcher { number in
            stopContinuation.yield(Stop(reason: "received signal \(number)", status: 0))
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let app = self.app
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4096)
            // A restarted server rebinds at once instead of waiting out TIME_WAIT.
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 64 * 1024, high: 256 * 1024))
            .childChannelOption(.maxMessagesPerRead, value: 4)
            // Each channel keeps its last receive buffer for the next read. NIO starts it at 2 KiB, for
            // connections that mostly sit idle between 50-byte messages; 512 bytes holds a usual
            // handshake, and the allocator still grows it, read by read, up to 64 KiB under load.
            .childChannelOption(
                .recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 512, maximum: 65536)
            )
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ConnectionHandler(app: app))
                }
            }
        let server: any Channel
        do {
            server = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        } catch {
            Log.info("cannot listen on \(configuration.host):\(configuration.port): \(error)")
            try? await group.shutdownGracefully()
            return 1
        }
        let port = server.localAddress?.port ?? configuration.port
        do {
            try await beforeListening(port)
        } catch {
            Log.info("cannot start: \(error)")
            try? await server.close()
            try? await group.shutdownGracefully()
            return 1
        }
        Log.info("listening on \(configuration.host):\(port)")

        var stop = Stop(reason: "stop requests ended", status: 0)
        for await request in stops {
            stop = request
            break
        }
        Log.info("\(stop.reason); closing connections with 1001")
        await shutdown(server: server, group: group)
        withExtendedLifetime(signals) {}
        return stop.status
    }

    /// Sends every client a 1001 close, waits for them to answer (bounded), then stops.
    private func shutdown(server: any Channel, group: MultiThreadedEventLoopGroup) async {
        try? await server.close()
        let channels = app.registry.beginShutdown()
        // The hub refuses new sessions and asks every pub/sub session to close with 1001; `/echo`
        // channels, which have no session, are told directly.
        await app.hub.shutdown()
        for handle in channels {
            handle.channel.eventLoop.execute { handle.handler.value.beginShutdown() }
        }
        let clock = ContinuousClock()
        let deadline = clock.now + app.configuration.shutdownGracePeriod
        while !app.registry.allChannels.isEmpty, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        for handle in app.registry.allChannels { handle.channel.close(promise: nil) }
        try? await group.shutdownGracefully()
    }
}
