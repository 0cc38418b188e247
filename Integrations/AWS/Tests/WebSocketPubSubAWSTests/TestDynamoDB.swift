import Foundation
import Testing
import WebSocketPubSubAWS

/// The DynamoDB endpoint the store tests use: `PUBSUB_DYNAMODB_URL`, which `Scripts/aws.sh` sets
/// after starting moto's server (`Scripts/moto.sh`).
///
/// Without it the DynamoDB tests are skipped on a developer's machine, but under `CI` they run and
/// fail, so that CI can never pass by not testing.
enum TestDynamoDB {
    static var urlText: String? { ProcessInfo.processInfo.environment["PUBSUB_DYNAMODB_URL"] }

    static var shouldRun: Bool { urlText != nil || ProcessInfo.processInfo.environment["CI"] != nil }

    static let credentials = AWSCredentials(accessKeyID: "testing", secretAccessKey: "testing")

    static func client() throws -> DynamoDBClient {
        let text = try #require(urlText, "set PUBSUB_DYNAMODB_URL to a DynamoDB endpoint (Scripts/moto.sh starts one)")
        return DynamoDBClient(
            configuration: .init(
                endpoint: try #require(URL(string: text)), region: "us-east-1", credentials: credentials))
    }

    /// A new, empty table with its index, under a name no other test uses.
    static func freshTable(pageSize: Int? = nil) async throws -> PubSubTable {
        let table = PubSubTable(
            name: "pubsub-\(UUID().uuidString.prefix(13).lowercased())", client: try client(), pageSize: pageSize)
        try await table.createIfMissing()
        return table
    }
}
