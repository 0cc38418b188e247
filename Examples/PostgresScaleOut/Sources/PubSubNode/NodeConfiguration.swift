import PostgresPubSub
import WebSocketPubSubNIO

/// `pubsub-node`'s command line: every flag of `pubsub-server`, plus where the database is and who
/// this node is.
struct NodeConfiguration: Sendable {
    var server: ServerConfiguration
    var postgresURL: PostgresURL
    /// Defaults to `HOST:PORT`, stable across restarts so that a restarted node finds its stale rows.
    var nodeID: String?
    var membership = NodeMembership.Configuration()
    var broker = PostgresBroker.Configuration()
    var schema = PostgresSchema.default
    var poolSize = 20

    static let usage = """

          --postgres-url postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=require]   (required)
          [--node-id HOST:PORT] [--lease-seconds 8] [--heartbeat-seconds 2] [--report-timeout 5]
          [--schema public] [--pool-size 20]
        """

    static func parse(_ arguments: [String]) throws(UsageError) -> NodeConfiguration {
        var url: PostgresURL?
        var nodeID: String?
        var membership = NodeMembership.Configuration()
        var broker = PostgresBroker.Configuration()
        var schema = PostgresSchema.default
        var poolSize = 20
        let server = try ServerConfiguration.parse(arguments, program: "pubsub-node", extraUsage: usage) {
            (flag, value) throws(UsageError) -> Bool in
            do {
                switch flag {
                case "--postgres-url": url = try PostgresURL(value)
                case "--node-id": nodeID = value
                case "--lease-seconds": membership.leaseDuration = try ServerConfiguration.seconds(value, flag: flag)
                case "--heartbeat-seconds":
                    membership.heartbeatInterval = try ServerConfiguration.seconds(value, flag: flag)
                case "--report-timeout": broker.reportTimeout = try ServerConfiguration.seconds(value, flag: flag)
                case "--schema": schema = try PostgresSchema(name: value)
                case "--pool-size":
                    guard let size = Int(value), (1...1000).contains(size) else {
                        throw UsageError(message: "--pool-size expects an integer in 1...1000, got \"\(value)\"")
                    }
                    poolSize = size
                default: return false
                }
            } catch let error as PostgresPubSubError {
                throw UsageError(message: "\(flag): \(error)")
            } catch let error as UsageError {
                throw error
            } catch {
                throw UsageError(message: "\(flag): \(error)")
            }
            return true
        }
        guard let url else { throw UsageError(message: "--postgres-url is required\(usage)") }
        guard membership.heartbeatInterval * 2 <= membership.leaseDuration else {
            throw UsageError(message: "--heartbeat-seconds must be at most half of --lease-seconds")
        }
        var configuration = NodeConfiguration(server: server, postgresURL: url, nodeID: nodeID)
        configuration.membership = membership
        configuration.broker = broker
        configuration.schema = schema
        configuration.poolSize = poolSize
        return configuration
    }
}
