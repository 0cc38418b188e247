import Foundation
import Testing
import WebSocketPubSub
import WebSocketPubSubTesting

@testable import PostgresPubSub

/// The library's own conformance suite, unchanged, against the PostgreSQL stores: one test per
/// check, each on a fresh schema, so a failure names the rule that broke.
@Suite("PostgreSQL stores pass the store conformance suite", .serialized, .enabled(if: TestDatabase.shouldRun))
struct PostgresStoreConformanceTests {
    @Test(arguments: StoreConformance.checkNames)
    func conforms(check: String) async throws {
        try await TestDatabase.withClient { client, schemas in
            let owner = try NodeIdentity(nodeID: "conformance")
            let suite = StoreConformance {
                let schema = try await schemas.make()
                return (
                    PostgresConnectionStore(client: client, schema: schema, owner: owner, logger: TestDatabase.logger),
                    PostgresSubscriptionStore(client: client, schema: schema, logger: TestDatabase.logger)
                )
            }
            try await suite.validate(only: [check])
        }
    }

    @Test func refusesTextPostgreSQLCannotStoreWithATypedError() async throws {
        try await TestDatabase.withClient { client, schemas in
            let schema = try await schemas.make()
            let subscriptions = PostgresSubscriptionStore(client: client, schema: schema, logger: TestDatabase.logger)
            let entity = try EntityID(validating: "nul\u{0}inside")
            await #expect(throws: PostgresPubSubError.unrepresentableText("entityId")) {
                try await subscriptions.subscribe(ConnectionID("c"), to: entity, limit: 10)
            }
            #expect(try await subscriptions.subscribers(of: entity) == [])
            #expect(try await subscriptions.unsubscribe(ConnectionID("c"), from: entity) == false)
        }
    }
}
