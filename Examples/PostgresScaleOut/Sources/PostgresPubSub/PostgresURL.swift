import Foundation
import NIOSSL
public import PostgresNIO

/// Where the database is, read from a URL such as `postgres://pubsub@127.0.0.1:5432/pubsub`.
///
/// `postgres://` and `postgresql://` are both accepted. The user name and password may be
/// percent-encoded; the port defaults to 5432. `?sslmode=disable` (the default, for a database on
/// loopback or a private network) or `?sslmode=require` (TLS with certificate verification) chooses
/// the transport; other parameters are refused rather than silently ignored.
public struct PostgresURL: Hashable, Sendable {
    /// How the connection is secured.
    public enum TLSMode: String, Hashable, Sendable {
        /// Plain TCP, for loopback or a private network.
        case disable
        /// TLS, with the server's certificate verified.
        case require
    }

    /// The server's host name or address.
    public var host: String
    /// The server's port, 5432 unless the URL says otherwise.
    public var port: Int
    /// The role to log in as.
    public var username: String
    /// The role's password, if the URL has one.
    public var password: String?
    /// The database to use.
    public var database: String
    /// Whether the connection uses TLS.
    public var tlsMode: TLSMode

    /// Parses `text`, or says exactly what is wrong with it.
    public init(_ text: String) throws(PostgresPubSubError) {
        func invalid(_ reason: String) -> PostgresPubSubError { .invalidURL(text, reason: reason) }
        guard let components = URLComponents(string: text) else { throw invalid("it does not parse as a URL") }
        guard let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql" else {
            throw invalid("the scheme must be postgres:// or postgresql://")
        }
        guard let host = components.host, !host.isEmpty else { throw invalid("the host is missing") }
        guard let username = components.user, !username.isEmpty else { throw invalid("the user name is missing") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { throw invalid("the path must name one database") }
        if let port = components.port, !(1...65_535).contains(port) { throw invalid("the port must be 1...65535") }
        var tlsMode = TLSMode.disable
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode", let value = item.value, let mode = TLSMode(rawValue: value) else {
                throw invalid("only sslmode=disable or sslmode=require is understood, not \(item.name)")
            }
            tlsMode = mode
        }
        // URLComponents percent-decodes user and password; an IPv6 host keeps no brackets.
        self.host = host
        self.port = components.port ?? 5432
        self.username = username
        self.password = components.password
        self.database = database
        self.tlsMode = tlsMode
    }

    /// The pool configuration for this database.
    public func clientConfiguration(maximumConnections: Int = 20) throws -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS =
            switch tlsMode {
            case .disable: .disable
            case .require: .require(.makeClientConfiguration())
            }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
        configuration.options.maximumConnections = maximumConnections
        return configuration
    }

    /// The configuration of a single connection, such as the broker's listening connection.
    public func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS =
            switch tlsMode {
            case .disable: .disable
            case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        return PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
    }
}
