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
        do {
            configuration = try ServerConfiguration.parse(Array(CommandLine.arguments.dropFirst()))
        } catch {
            Log.info(error.message)
            exit(2)
        }
        let runner = ServerRunner(app: .inMemory(configuration: configuration))
        exit(await runner.run())
    }
}
