import WebSocketCompression
import WebSocketPubSub

/// Every knob of the example server, with the defaults the contract in `DESIGN.md` asks for.
///
/// Each limit exists because a peer on the open internet controls the other end of the socket;
/// `Documentation/Limits.md` lists what a peer that exceeds one gets.
public struct ServerConfiguration: Sendable {
    /// The address to listen on; loopback by default.
    public var host = "127.0.0.1"
    /// The port to listen on; 0 picks a free one (the `listening on` line names it).
    public var port = 8080
    /// The largest WebSocket message accepted on the pub/sub path; larger closes with 1009.
    public var maxMessageBytes = 131_072
    /// The largest frame accepted on the pub/sub path (larger closes with 1009); `nil`: the message limit.
    /// API Gateway's is 32 KB, below its 128 KB message limit.
    public var maxFrameBytes: Int? = nil
    /// A pub/sub connection whose client sent no message this long is closed with 1001; `nil`: never.
    /// API Gateway's idle timeout is 10 minutes.
    public var idleTimeout: Duration? = nil
    /// A pub/sub connection open this long is closed with 1001; `nil`: never. API Gateway's is 2 hours.
    public var maxConnectionLifetime: Duration? = nil
    /// The largest message accepted on `/echo`, whatever `maxMessageBytes` says (Autobahn sends 16 MiB).
    public var echoMaxMessageBytes = 16 * 1024 * 1024
    /// Subscriptions one connection may hold; one more is answered with an error reply.
    public var maxSubscriptionsPerConnection = 128
    /// The largest HTTP request head; more gets `431` (NIOHTTP1's own default is 80 KiB).
    public var maxHeaderBytes = 16 * 1024
    /// The largest `POST /events` body; more gets `413`.
    public var maxEventBodyBytes = 1024 * 1024
    /// Bytes queued for one pub/sub connection before it counts as a slow reader and meets the
    /// ``slowConsumerPolicy``.
    public var maxPendingOutboundBytes = 4 * 1024 * 1024
    /// Messages queued for one pub/sub connection before it counts as a slow reader.
    public var maxQueuedOutboundMessages = 1024
    /// What a slow reader gets: closed with 1008 (the default) or its newest messages dropped.
    public var slowConsumerPolicy = SlowConsumerPolicy.close
    /// The same cap on `/echo`, large enough for a 16 MiB echo.
    public var echoMaxPendingOutboundBytes = 40 * 1024 * 1024
    /// Inbound messages of one connection waiting for the pub/sub core before reading pauses (the
    /// session itself closes a connection with twice as many waiting, which reading pauses prevent).
    public var maxQueuedInboundMessages = 64
    /// How long to wait for the peer's close frame after sending ours.
    public var closeHandshakeTimeout: Duration = .seconds(3)
    /// A connection silent this long gets a ping.
    public var pingInterval: Duration = .seconds(30)
    /// A ping unanswered this long closes the connection.
    public var pingTimeout: Duration = .seconds(10)
    /// A client that has not finished its HTTP request head in this time is disconnected.
    public var requestHeadTimeout: Duration = .seconds(10)
    /// How long shutdown waits for clients to answer the 1001 close before dropping them.
    public var shutdownGracePeriod: Duration = .seconds(2)
    /// Connections open at once (all addresses); `nil` is unlimited.
    public var maxConnections: Int? = nil
    /// Connections open at once from one remote address; off by default (tests open thousands on loopback).
    public var maxConnectionsPerAddress: Int? = nil
    /// Browser origins allowed to connect; `nil` allows any (non-browser clients send no `Origin`).
    public var allowedOrigins: [String]? = nil
    /// Subprotocols the server accepts, in preference order.
    public var subprotocols = ["websocket"]
    /// Serves the demo page at `GET /demo` (a `GET /demo` that asks for an upgrade still opens the
    /// pub/sub endpoint). Off by default: a host opts in; the example server turns it on. With
    /// ``allowedOrigins`` set, list the server's own origin too, or the page cannot connect.
    public var servesDemoPage = false
    /// permessage-deflate (RFC 7692) settings when `--permessage-deflate` is given, `nil` to
    /// decline every offer (the default, as in Socket.IO, Phoenix and uWS). Message limits apply
    /// to the decompressed size.
    public var permessageDeflate: PermessageDeflateConfiguration? = nil
    /// Messages kept per entity for recovery (`--history-size`); 0, the default, keeps no history.
    public var historySize = 0
    /// How long a kept message is replayed (`--history-ttl`, in seconds; 300 by default).
    public var historyTimeToLive: Duration = .seconds(300)

    /// The history limits the flags ask for, or `nil` when history is off.
    public var historyLimits: HistoryLimits? {
        historySize > 0 ? HistoryLimits(maxMessagesPerEntity: historySize, timeToLive: historyTimeToLive) : nil
    }

    /// The defaults of `DESIGN.md`.
    public init() {}
}

extension ServerConfiguration {
    /// Reads the command line; throws a message fit for a human on any unknown or malformed flag.
    ///
    /// - Parameters:
    ///   - extraFlag: Offered every flag this type does not know, with its value; returns whether it
    ///     took it. A program that adds flags (a cluster node's database URL) reads them here.
    ///   - extraUsage: Lines that document those flags, appended to the usage text.
    ///   - defaults: The configuration the flags change; the example passes one with the demo page on.
    public static func parse(
        _ arguments: [String],
        program: String = "pubsub-server",
        defaults: ServerConfiguration = ServerConfiguration(),
        extraUsage: String = "",
        extraFlag: (_ flag: String, _ value: String) throws(UsageError) -> Bool = { _, _ in false }
    ) throws(UsageError) -> ServerConfiguration {
        let usage = usage(program: program) + extraUsage
        var configuration = defaults
        var remaining = arguments[...]
        while let flag = remaining.popFirst() {
            if flag == "--help" || flag == "-h" { throw UsageError(message: usage) }
            if flag == "--permessage-deflate" {  // the one flag without a value
                configuration.permessageDeflate = PermessageDeflateConfiguration()
                continue
            }
            guard let value = remaining.popFirst() else { throw UsageError(message: "\(flag) needs a value\n\(usage)") }
            func integer(min: Int = 1) throws(UsageError) -> Int {
                guard let number = Int(value), number >= min else {
                    throw UsageError(message: "\(flag) expects an integer >= \(min), got \"\(value)\"")
                }
                return number
            }
            func seconds() throws(UsageError) -> Duration { try Self.seconds(value, flag: flag) }
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
            case "--history-size": configuration.historySize = try integer(min: 0)
            case "--history-ttl": configuration.historyTimeToLive = try seconds()
            case "--demo-page":
                guard value == "on" || value == "off" else {
                    throw UsageError(message: "--demo-page expects on or off, got \"\(value)\"")
                }
                configuration.servesDemoPage = value == "on"
            case "--allowed-origin": configuration.allowedOrigins = (configuration.allowedOrigins ?? []) + [value]
            default:
                guard try extraFlag(flag, value) else { throw UsageError(message: "unknown flag \(flag)\n\(usage)") }
            }
        }
        return configuration
    }

    /// Reads a flag's value as a positive number of seconds, at most a day.
    public static func seconds(_ value: String, flag: String) throws(UsageError) -> Duration {
        guard let number = Double(value), number > 0, number <= 86_400 else {
            throw UsageError(message: "\(flag) expects a number of seconds in (0, 86400], got \"\(value)\"")
        }
        return .milliseconds(Int64(number * 1000))
    }

    /// The usage text, flags aligned after the program name.
    static func usage(program: String) -> String {
        let indent = String(repeating: " ", count: "usage: \(program) ".count)
        let lines = [
            "[--host 127.0.0.1] [--port 8080] [--max-message-bytes 131072]",
            "[--max-subscriptions-per-connection 128] [--max-header-bytes 16384]",
            "[--max-event-body-bytes 1048576] [--max-pending-outbound-bytes 4194304]",
            "[--max-connections N] [--max-connections-per-address N]",
            "[--ping-interval 30] [--ping-timeout 10] [--close-timeout 3]",
            "[--allowed-origin ORIGIN]... [--demo-page on|off] [--permessage-deflate]",
            "[--history-size 0] [--history-ttl 300]",
        ]
        return "usage: \(program) " + lines.joined(separator: "\n" + indent)
    }
}

/// A command-line mistake, printed as is.
public struct UsageError: Error {
    /// What to print, usage text included where it helps.
    public var message: String

    /// A mistake described by `message`.
    public init(message: String) {
        self.message = message
    }
}
