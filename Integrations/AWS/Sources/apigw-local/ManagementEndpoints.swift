import Foundation
import NIOConcurrencyHelpers
import WebSocketPubSub
import WebSocketPubSubAWS
import WebSocketPubSubNIO

/// `POST`, `GET` and `DELETE /@connections/{id}` (with or without a stage before it), as API
/// Gateway's management API answers them, and the emulator's invocation endpoints.
struct ManagementEndpoints: Sendable {
    /// The sessions, set once the server app exists.
    let hub: NIOLockedValueBox<SessionHub?>
    /// When each connection last sent a message.
    let activity: ActivityTable

    /// API Gateway's limit on a posted message.
    static let maxPostBytes = 128 * 1024

    var connections: ExtraEndpoint {
        ExtraEndpoint(
            matches: { method, path in
                ["POST", "GET", "DELETE"].contains(method) && Self.connectionID(in: path) != nil
            },
            maxBodyBytes: Self.maxPostBytes,
            respond: { request in await respond(request) })
    }

    /// The connection id of `/…/@connections/{id}`, percent-decoded.
    static func connectionID(in path: String) -> ConnectionID? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map {
            String($0).removingPercentEncoding ?? String($0)
        }
        guard segments.count >= 3, segments[segments.count - 2] == "@connections", let id = segments.last, !id.isEmpty
        else { return nil }
        return ConnectionID(id)
    }

    func respond(_ request: ExtraEndpointRequest) async -> EndpointResponse {
        guard let authorization = request.header("Authorization"), authorization.hasPrefix("AWS4-HMAC-SHA256 ") else {
            return Self.message(403, "Missing Authentication Token")
        }
        guard let id = Self.connectionID(in: request.path),
            let session = hub.withLockedValue({ $0 })?.session(id), !session.isEnded
        else {
            return Self.message(410, "Gone")
        }
        switch request.method {
        case "POST":
            let kind: OutboundMessage.Kind = String(bytes: request.body, encoding: .utf8) == nil ? .binary : .text
            switch session.send(OutboundMessage(bytes: request.body, kind: kind)) {
            case nil: return EndpointResponse(status: 200, body: [])
            case .gone?: return Self.message(410, "Gone")
            case .failed(let reason)?: return Self.message(500, reason)
            case .heldElsewhere?: return Self.message(410, "Gone")
            }
        case "GET":
            let connection = session.connection
            let last = activity.lastActive(id) ?? connection.connectedAt
            var identity: [String: String] = [:]
            if let ip = ProxyEvents.ipAddress(of: connection.remoteAddress) { identity["sourceIp"] = ip }
            let info: [String: ConnectionInfoValue] = [
                "connectedAt": .text(Self.iso8601(connection.connectedAt)),
                "lastActiveAt": .text(Self.iso8601(last)),
                "identity": .object(identity),
            ]
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return EndpointResponse(status: 200, body: (try? Array(encoder.encode(info))) ?? [])
        default:
            session.close(code: 1000, reason: "")
            return EndpointResponse(status: 204, body: [])
        }
    }

    static func message(_ status: Int, _ text: String) -> EndpointResponse {
        EndpointResponse(status: status, body: Array(#"{"message":\#(JSONEscaping.quoted(text))}"#.utf8))
    }

    static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}

/// A string or a flat object of strings: the values of the `GET` answer.
enum ConnectionInfoValue: Encodable {
    case text(String)
    case object([String: String])

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .object(let object): try container.encode(object)
        }
    }
}

/// When each open connection last sent a message; one lock around one dictionary.
final class ActivityTable: Sendable {
    private let dates = NIOLockedValueBox<[ConnectionID: Date]>([:])

    func touch(_ id: ConnectionID, at date: Date = Date()) {
        dates.withLockedValue { $0[id] = date }
    }

    func lastActive(_ id: ConnectionID) -> Date? {
        dates.withLockedValue { $0[id] }
    }

    func forget(_ id: ConnectionID) {
        _ = dates.withLockedValue { $0.removeValue(forKey: id) }
    }
}
