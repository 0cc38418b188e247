import Testing
import WebSocketPubSub
import WebSocketPubSubTesting

@testable import PostgresPubSub

/// The library's history conformance suite, unchanged, against ``PostgresHistoryStore``: one test
/// per check, each store on a fresh schema (a fresh, empty database for the epoch check's second
/// store, as a restart without its data would be).
@Suite(
    "PostgreSQL history passes the history conformance suite", .serialized, .enabled(if: TestDatabase.shouldRun))
struct PostgresHistoryConformanceTests {
    @Test(arguments: HistoryStoreConformance.checkNames)
    func conforms(check: String) async throws {
        try await TestDatabase.withClient { client, schemas in
            let suite = HistoryStoreConformance { limits in
                PostgresHistoryStore(
                    client: client, schema: try await schemas.make(), limits: limits, logger: TestDatabase.logger)
            }
            try await suite.validate(only: [check])
        }
    }
}
