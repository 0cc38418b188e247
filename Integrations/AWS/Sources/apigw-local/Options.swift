import Foundation
import WebSocketPubSubNIO

/// The command line of `apigw-local` (see `DESIGN.md`, "Contract: apigw-local").
struct Options {
    var server: ServerConfiguration
    var dynamoDBEndpoint: URL
    var table: String
    var stage = "local"
    /// Replies as the route response (`route`, the default) or through `@connections` (`connections`).
    var repliesThroughConnections = false

    static let extraUsage = """

        \("            ")--dynamodb-endpoint URL --table NAME [--stage local] [--replies route|connections]
                    [--idle-timeout 600] [--max-connection-duration 7200]
        Region and credentials: AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (AWS_SESSION_TOKEN).
        """

    /// API Gateway's documented limits as the defaults.
    static var apiGatewayDefaults: ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.port = 3001
        configuration.maxMessageBytes = 128 * 1024
        configuration.maxFrameBytes = 32 * 1024
        configuration.idleTimeout = .seconds(600)
        configuration.maxConnectionLifetime = .seconds(7200)
        // API Gateway pings no one; a client that wants keep-alive sends messages.
        configuration.pingInterval = .seconds(86_400)
        return configuration
    }

    static func parse(_ arguments: [String]) throws(UsageError) -> Options {
        var endpoint: String?
        var table: String?
        var stage = "local"
        var replies = false
        var idle: Duration?
        var lifetime: Duration?
        var server = try ServerConfiguration.parse(
            arguments, program: "apigw-local", defaults: apiGatewayDefaults, extraUsage: extraUsage
        ) { flag, value throws(UsageError) in
            switch flag {
            case "--dynamodb-endpoint": endpoint = value
            case "--table": table = value
            case "--stage": stage = value
            case "--replies":
                guard value == "route" || value == "connections" else {
                    throw UsageError(message: "--replies expects route or connections, got \"\(value)\"")
                }
                replies = value == "connections"
            case "--idle-timeout": idle = try ServerConfiguration.seconds(value, flag: flag)
            case "--max-connection-duration": lifetime = try ServerConfiguration.seconds(value, flag: flag)
            default: return false
            }
            return true
        }
        if let idle { server.idleTimeout = idle }
        if let lifetime { server.maxConnectionLifetime = lifetime }
        guard let endpoint, let url = URL(string: endpoint), url.scheme == "http" || url.scheme == "https" else {
            throw UsageError(message: "--dynamodb-endpoint URL is required (http://127.0.0.1:PORT for moto)")
        }
        guard let table, !table.isEmpty else { throw UsageError(message: "--table NAME is required") }
        return Options(
            server: server, dynamoDBEndpoint: url, table: table, stage: stage, repliesThroughConnections: replies)
    }
}
