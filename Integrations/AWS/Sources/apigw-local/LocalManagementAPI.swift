import Foundation
import NIOConcurrencyHelpers
import WebSocketPubSub
import WebSocketPubSubAWS

/// The emulator's own `@connections` API, reached over HTTP like API Gateway's: the notifier and the
/// `--replies connections` mode post through it. Bound once the port is known (`--port 0` picks
/// one at bind time); before that every request fails.
final class LocalManagementAPI: ConnectionSender, ConnectionMessagePosting {
    private let client = NIOLockedValueBox<APIGatewayManagementClient?>(nil)

    func bind(_ configuration: APIGatewayManagementClient.Configuration) {
        client.withLockedValue { $0 = APIGatewayManagementClient(configuration: configuration) }
    }

    func send(_ message: OutboundMessage, to recipients: [ConnectionID]) async -> [SendFailure] {
        guard let client = client.withLockedValue({ $0 }) else {
            return recipients.map { SendFailure(connection: $0, reason: .failed("apigw-local is not listening yet")) }
        }
        return await client.send(message, to: recipients)
    }

    func post(_ bytes: [UInt8], to connection: ConnectionID) async -> ManagementAPIOutcome {
        guard let client = client.withLockedValue({ $0 }) else { return .failed("apigw-local is not listening yet") }
        return await client.post(bytes, to: connection)
    }
}
