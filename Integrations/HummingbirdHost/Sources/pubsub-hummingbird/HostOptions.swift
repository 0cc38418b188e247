import Foundation

/// The host executables' contract (`DESIGN.md`): the flags with their defaults and the `listening on` line.
struct HostOptions {
    var host = "127.0.0.1"
    var port = 8080
    var maxMessageBytes = 131_072
    var maxSubscriptionsPerConnection = 128
    /// Outbound bytes queued for one connection before the slow-consumer policy closes it (1008).
    var maxPendingOutboundBytes = 4 << 20

    static let usage = """
        usage: pubsub-hummingbird [--host 127.0.0.1] [--port 8080] [--max-message-bytes 131072]
                                  [--max-subscriptions-per-connection 128] [--max-pending-outbound-bytes 4194304]
        """

    /// The options of `arguments` (without the program name), or a message saying what is wrong.
    static func parse(_ arguments: [String]) -> Result<HostOptions, UsageError> {
        var options = HostOptions()
        var remaining = arguments[...]
        while let flag = remaining.popFirst() {
            if flag == "--help" || flag == "-h" { return .failure(UsageError(message: usage)) }
            guard let value = remaining.popFirst() else {
                return .failure(UsageError(message: "\(flag) needs a value\n\(usage)"))
            }
            if flag == "--host" {
                options.host = value
                continue
            }
            guard let number = Int(value), number >= (flag == "--port" ? 0 : 1) else {
                return .failure(UsageError(message: "\(flag) needs a positive integer, not '\(value)'\n\(usage)"))
            }
            switch flag {
            case "--port" where number <= 65_535: options.port = number
            case "--max-message-bytes": options.maxMessageBytes = number
            case "--max-subscriptions-per-connection": options.maxSubscriptionsPerConnection = number
            case "--max-pending-outbound-bytes": options.maxPendingOutboundBytes = number
            default: return .failure(UsageError(message: "unknown flag or bad value: \(flag) \(value)\n\(usage)"))
            }
        }
        return .success(options)
    }

    /// The options of this process's command line; on a usage error, says so and exits with status 2.
    static func parseOrExit() -> HostOptions {
        switch parse(Array(CommandLine.arguments.dropFirst())) {
        case .success(let options):
            return options
        case .failure(let error):
            FileHandle.standardError.write(Data((error.message + "\n").utf8))
            exit(2)
        }
    }

    /// Writes the line the contract waits for, unbuffered (standard output may be a pipe).
    static func announce(listeningOn address: (some CustomStringConvertible)?) {
        log("listening on \(address?.description ?? "?")")
    }

    private static func log(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}

/// A command line that cannot be run.
struct UsageError: Error {
    var message: String
}
