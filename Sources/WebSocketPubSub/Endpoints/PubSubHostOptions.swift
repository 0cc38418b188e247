import Foundation

/// The command line every host executable of the contract accepts, with its defaults, and the
/// `listening on` line scripts wait for.
///
/// `--host` (default `127.0.0.1`), `--port` (8080; 0 picks a free one), `--max-message-bytes` (131072),
/// `--max-subscriptions-per-connection` (128), `--max-pending-outbound-bytes` (4 MiB: what a slow
/// reader may have queued before the slow-consumer policy closes it), and history for recovery:
/// `--history-size` (messages kept per entity; 0, the default, keeps none) and `--history-ttl`
/// (seconds, 300).
///
/// ```swift
/// let options = PubSubHostOptions.parseOrExit(program: "pubsub-myhost")
/// // … start the server on options.host and options.port, then:
/// PubSubHostOptions.announce(listeningOn: "127.0.0.1:8080")
/// ```
public struct PubSubHostOptions: Hashable, Sendable {
    /// The address to listen on.
    public var host = "127.0.0.1"
    /// The port to listen on; 0 picks a free one.
    public var port = 8080
    /// The largest WebSocket message accepted; larger closes with 1009.
    public var maxMessageBytes = 131_072
    /// Subscriptions one connection may hold.
    public var maxSubscriptionsPerConnection = PubSubGateway.Configuration.defaultMaxSubscriptionsPerConnection
    /// Outbound bytes queued for one connection before the slow-consumer policy applies.
    public var maxPendingOutboundBytes = 4 << 20
    /// Messages kept per entity for recovery; 0 keeps no history.
    public var historySize = 0
    /// How long a kept message is replayed, in seconds.
    public var historyTimeToLiveSeconds = 300

    /// The history limits the flags ask for, or `nil` when history is off.
    public var historyLimits: HistoryLimits? {
        guard historySize > 0 else { return nil }
        return HistoryLimits(maxMessagesPerEntity: historySize, timeToLive: .seconds(historyTimeToLiveSeconds))
    }

    /// The defaults.
    public init() {}

    /// The usage text for `program`.
    public static func usage(program: String) -> String {
        let indent = String(repeating: " ", count: "usage: \(program) ".count)
        return "usage: \(program) [--host 127.0.0.1] [--port 8080] [--max-message-bytes 131072]\n" + indent
            + "[--max-subscriptions-per-connection 128] [--max-pending-outbound-bytes 4194304]\n" + indent
            + "[--history-size 0] [--history-ttl 300]"
    }

    /// The options of `arguments` (without the program name).
    ///
    /// - Throws: ``PubSubUsageError`` saying what is wrong, usage text included; `--help` throws the usage.
    public static func parse(_ arguments: [String], program: String) throws(PubSubUsageError) -> PubSubHostOptions {
        let usage = usage(program: program)
        var options = PubSubHostOptions()
        var remaining = arguments[...]
        while let flag = remaining.popFirst() {
            if flag == "--help" || flag == "-h" { throw PubSubUsageError(message: usage) }
            guard let value = remaining.popFirst() else {
                throw PubSubUsageError(message: "\(flag) needs a value\n\(usage)")
            }
            if flag == "--host" {
                options.host = value
                continue
            }
            let minimum = flag == "--port" || flag == "--history-size" ? 0 : 1
            guard let number = Int(value), number >= minimum else {
                throw PubSubUsageError(message: "\(flag) needs an integer >= \(minimum), not '\(value)'\n\(usage)")
            }
            switch flag {
            case "--port" where number <= 65_535: options.port = number
            case "--max-message-bytes": options.maxMessageBytes = number
            case "--max-subscriptions-per-connection": options.maxSubscriptionsPerConnection = number
            case "--max-pending-outbound-bytes": options.maxPendingOutboundBytes = number
            case "--history-size": options.historySize = number
            case "--history-ttl" where number <= 86_400: options.historyTimeToLiveSeconds = number
            default: throw PubSubUsageError(message: "unknown flag or bad value: \(flag) \(value)\n\(usage)")
            }
        }
        return options
    }

    /// The options of this process's command line; on a usage error, prints it and exits with status 2.
    public static func parseOrExit(program: String) -> PubSubHostOptions {
        do {
            return try parse(Array(CommandLine.arguments.dropFirst()), program: program)
        } catch {
            FileHandle.standardError.write(Data((error.message + "\n").utf8))
            exit(2)
        }
    }

    /// Writes `listening on ADDRESS` to standard output at once (not buffered: it may be a pipe a
    /// script is waiting on).
    public static func announce(listeningOn address: (some CustomStringConvertible)?) {
        FileHandle.standardOutput.write(Data(("listening on \(address?.description ?? "?")\n").utf8))
    }
}

/// A command line that cannot be run; the message says why, with the usage text.
public struct PubSubUsageError: Error, Hashable, Sendable {
    /// What to print.
    public var message: String

    /// An error with `message`.
    public init(message: String) {
        self.message = message
    }
}
