/// Every knob of the example server, with the defaults the contract in `DESIGN.md` asks for.
///
/// Each limit exists because a peer on the open internet controls the other end of the socket;
/// `Documentation/Limits.md` lists what a peer that exceeds one gets.
struct ServerConfiguration: Sendable {
    var host = "127.0.0.1"
    var port = 8080
    /// The largest WebSocket message accepted on the pub/sub path; larger closes with 1009.
    var maxMessageBytes = 131_072
    /// The largest message accepted on `/echo`, whatever `maxMessageBytes` says (Autobahn sends 16 MiB).
    var echoMaxMessageBytes = 16 * 1024 * 1024
    var maxSubscriptionsPerConnection = 128
    /// The largest HTTP request head; more gets `431` (NIOHTTP1's own default is 80 KiB).
    var maxHeaderBytes = 16 * 1024
    /// The largest `POST /events` body; more gets `413`.
    var maxEventBodyBytes = 1024 * 1024
    /// Bytes queued for one pub/sub connection before it counts as a slow reader and is closed (1008).
    var maxPendingOutboundBytes = 4 * 1024 * 1024
    /// The same cap on `/echo`, large enough for a 16 MiB echo.
    var echoMaxPendingOutboundBytes = 40 * 1024 * 1024
    /// Inbound messages of one connection waiting for the pub/sub core before reading pauses.
    var maxQueuedInboundMessages = 64
    /// How long to wait for the peer's close frame after sending ours.
    var closeHandshakeTimeout: Duration = .seconds(3)
    /// A connection silent this long gets a ping.
    var pingInterval: Duration = .seconds(30)
    /// A ping unanswered this long closes the connection.
    var pingTimeout: Duration = .seconds(10)
    /// A client that has not finished its HTTP request head in this time is disconnected.
    var requestHeadTimeout: Duration = .seconds(10)
    /// How long shutdown waits for clients to answer the 1001 close before dropping them.
    var shutdownGracePeriod: Duration = .seconds(2)
    /// Connections open at once (all addresses); `nil` is unlimited.
    var maxConnections: Int? = nil
    /// Connections open at once from one remote address; off by default (tests open thousands on loopback).
    var maxConnectionsPerAddress: Int? = nil
    /// Browser origins allowed to connect; `nil` allows any (non-browser clients send no `Origin`).
    var allowedOrigins: [String]? = nil
    /// Subprotocols the server accepts, in preference order.
    var subprotocols = ["websocket"]
}

extension ServerConfiguration {
    /// Reads the command line; throws a message fit for a human on any unknown or malformed flag.
    static func parse(_ arguments: [String]) throws(UsageError) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        var remaining = arguments[...]
        while let flag = remaining.popFirst() {
            if flag == "--help" || flag == "-h" { throw UsageError(message: usage) }
            guard let value = remaining.popFirst() else { throw UsageError(message: "\(flag) needs a value\n\(usage)") }
            func integer(min: Int = 1) throws(UsageError) -> Int {
                guard let number = Int(value), number >= min else {
                    throw UsageError(message: "\(flag) expects an integer >= \(min), got \"\(value)\"")
                }
                return number
            }
            func seconds() throws(UsageError) -> Duration {
                guard let number = Double(value), number > 0, number <= 86_400 else {
                    throw UsageError(message: "\(flag) expects a number of seconds in (0, 86400], got \"\(value)\"")
                }
                return .milliseconds(Int64(number * 1000))
            }
            switch flag {
            case "--host": configuration.host = value
            case "--port": configuration.port = try integer(min: 0)
            case "--max-message-bytes": configuration.maxMessageBytes = try integer()
            case "--max-subscriptions-per-connection": configuration.maxSubscriptionsPerConnection = try integer()
            case "--max-header-bytes": configuration.maxHeaderBytes = try integer()
            case "--max-event-body-bytes": configuration.maxEventBodyBytes = try integer()
            case "--max-pending-outbound-bytes": configuration.maxPendingOutboundBytes = try integer()
            case "--max-connections": configuration.maxConnections = try integer()
            case "--max-connections-per-address": configuration.maxConnectionsPerAddress = try integer()
            case "--ping-interval": configuration.pingInterval = try seconds()
            case "--ping-timeout": configuration.pingTimeout = try seconds()
            case "--close-timeout": configuration.closeHandshakeTimeout = try seconds()
            case "--allowed-origin": configuration.allowedOrigins = (configuration.allowedOrigins ?? []) + [value]
            default: throw UsageError(message: "unknown flag \(flag)\n\(usage)")
            }
        }
        return configuration
    }

    static let usage = """
        usage: pubsub-server [--host 127.0.0.1] [--port 8080] [--max-message-bytes 131072]
                             [--max-subscriptions-per-connection 128] [--max-header-bytes 16384]
                             [--max-event-body-bytes 1048576] [--max-pending-outbound-bytes 4194304]
                             [--max-connections N] [--max-connections-per-address N]
                             [--ping-interval 30] [--ping-timeout 10] [--close-timeout 3]
                             [--allowed-origin ORIGIN]...
        """
}

/// A command-line mistake, printed as is.
struct UsageError: Error {
    var message: String
}
