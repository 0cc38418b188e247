import Foundation
import Logging
import PostgresNIO
import Testing

@testable import PostgresPubSub

/// The database the integration tests use: `PUBSUB_POSTGRES_URL`, which `Scripts/scaleout.sh` and
/// `.ci/run` set after starting a throwaway PostgreSQL.
///
/// Without it the database tests are skipped on a developer's machine, but under `CI` they run and
/// fail, so that CI can never pass by not testing.
enum TestDatabase {
    static var urlText: String? { ProcessInfo.processInfo.environment["PUBSUB_POSTGRES_URL"] }

    static var shouldRun: Bool { urlText != nil || ProcessInfo.processInfo.environment["CI"] != nil }

    static let logger: Logger = {
        var logger = Logger(label: "postgres-pubsub-tests")
        logger.logLevel = .error
        return logger
    }()

    static func url() throws -> PostgresURL {
        let text = try #require(
            urlText, "set PUBSUB_POSTGRES_URL to a PostgreSQL database (Scripts/postgres.sh starts one)")
        return try PostgresURL(text)
    }

    /// Runs `body` with a running client and schemas that are dropped afterwards.
    static func withClient<T: Sendable>(
        poolSize: Int = 8,
        _ body: @Sendable (PostgresClient, SchemaFactory) async throws -> T
    ) async throws -> T {
        let url = try url()
        let client = PostgresClient(
            configuration: try url.clientConfiguration(maximumConnections: poolSize), backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            let schemas = SchemaFactory(client: client)
            let result: Result<T, any Error>
            do {
                result = .success(try await body(client, schemas))
            } catch {
                result = .failure(error)
            }
            await schemas.dropAll()
            group.cancelAll()
            return try result.get()
        }
    }
}

/// Makes a fresh, empty schema per call, and drops them all at the end of a test.
actor SchemaFactory {
    private let client: PostgresClient
    private var created: [PostgresSchema] = []

    init(client: PostgresClient) {
        self.client = client
    }

    func make() async throws -> PostgresSchema {
        let suffix = UUID().uuidString.lowercased().filter { $0.isLetter || $0.isNumber }.prefix(20)
        let schema = try PostgresSchema(name: "t_\(suffix)")
        created.append(schema)
        try await schema.create(on: client, logger: TestDatabase.logger)
        return schema
    }

    func dropAll() async {
        for schema in created {
            _ = try? await client.query(
                PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(schema.name) CASCADE"), logger: TestDatabase.logger)
        }
        created = []
    }
}
