import Dispatch
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `pubsub-server`: the library's main job, runnable. See `README.md` and `DESIGN.md` for the contract.
@main
struct PubSubServerMain {
    static func main() async {
        let configuration: ServerConfiguration
        do {
            configuration = try ServerConfiguration.parse(Array(CommandLine.arguments.dropFirst()))
        } catch {
            Log.info(error.message)
            exit(2)
        }
        let signals = SignalWatcher(signals: [SIGINT, SIGTERM])
        let app = ServerApp(configuration: configuration)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4096)
            // A restarted server rebinds at once instead of waiting out TIME_WAIT.
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 64 * 1024, high: 256 * 1024))
            .childChannelOption(.maxMessagesPerRead, value: 4)
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
            exit(1)
        }
        let port = server.localAddress?.port ?? configuration.port
        Log.info("listening on \(configuration.host):\(port)")

        let signal = await signals.next()
        Log.info("received signal \(signal); closing connections with 1001")
        await shutdown(app: app, server: server, group: group)
        exit(0)
    }

    /// Sends every client a 1001 close, waits for them to answer (bounded), then stops.
    private static func shutdown(app: ServerApp, server: any Channel, group: MultiThreadedEventLoopGroup) async {
        try? await server.close()
        for session in app.registry.beginShutdown() {
            session.channel.eventLoop.execute { session.handler.value.beginShutdown() }
        }
        let clock = ContinuousClock()
        let deadline = clock.now + app.configuration.shutdownGracePeriod
        while !app.registry.allSessions.isEmpty, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        for session in app.registry.allSessions { session.channel.close(promise: nil) }
        try? await group.shutdownGracefully()
    }
}

/// Turns SIGINT and SIGTERM into an awaitable value instead of the default immediate exit.
final class SignalWatcher {
    private let stream: AsyncStream<Int32>
    private let sources: [any DispatchSourceSignal]

    init(signals: [Int32]) {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        self.stream = stream
        self.sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
    }

    func next() async -> Int32 {
        for await number in stream { return number }
        return 0
    }
}
