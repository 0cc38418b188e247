import WebSocketPubSub
import WebSocketPubSubNIO

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
        // The example serves the demo page at /demo unless told `--demo-page off`.
        var defaults = ServerConfiguration()
        defaults.servesDemoPage = true
        do {
            configuration = try ServerConfiguration.parse(Array(CommandLine.arguments.dropFirst()), defaults: defaults)
        } catch {
            Log.info(error.message)
            exit(2)
        }
        let connections = InMemoryConnectionStore()  // or your database-backed stores
        let subscriptions = InMemorySubscriptionStore()
        let history = configuration.historyLimits.map { InMemoryHistoryStore(limits: $0) }  // --history-size
        let app = ServerApp(
            configuration: configuration, connections: connections, subscriptions: subscriptions, history: history
        ) { hub in  // what POST /events publishes through:
            Notifier(connections: connections, subscriptions: subscriptions, sender: hub, history: history)
        }
        exit(await ServerRunner(app: app).run())  // ws://HOST:PORT/, POST /events, GET /stats
    }
}
