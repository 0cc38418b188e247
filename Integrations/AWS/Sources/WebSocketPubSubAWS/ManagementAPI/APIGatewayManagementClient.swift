public import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
public import WebSocketPubSub

/// API Gateway's `@connections` management API: `POST`, `GET` and `DELETE
/// https://{domain}/{stage}/@connections/{id}`, signed with Signature Version 4.
///
/// It is the ``ConnectionSender`` of a ``Notifier`` on AWS: a recipient answered 410 is *gone* (the
/// notifier removes it and its subscriptions), and 429, 5xx, a timeout or no answer are *failed*,
/// which the notifier retries under its ``RetryPolicy``. At most
/// ``Configuration/maxInFlightRequests`` requests are in flight at once, whatever the fan-out:
/// API Gateway's account quota (10,000 requests per second, shared with connection callbacks)
/// answers a flood with 429s.
///
/// ```swift
/// let client = APIGatewayManagementClient(configuration: .init(
///     endpoint: URL(string: "https://abcdef1234.execute-api.us-east-1.amazonaws.com/production")!,
///     region: "us-east-1", credentials: .fromEnvironment()!))
/// let notifier = Notifier(connections: table, subscriptions: table, sender: client)
/// ```
public final class APIGatewayManagementClient: ConnectionSender, ConnectionMessagePosting {
    /// Where the API is and how to reach it.
    public struct Configuration: Sendable {
        /// `https://{domain}/{stage}`, or the emulator's `http://127.0.0.1:PORT`.
        public var endpoint: URL
        /// The API's region, for the signature.
        public var region: String
        /// The keys requests are signed with.
        public var credentials: AWSCredentials
        /// How long one request may take before it counts as failed.
        public var timeout: Duration
        /// Requests in flight at once, across every send.
        public var maxInFlightRequests: Int

        /// A configuration; 5 s per request and 64 in flight by default.
        public init(
            endpoint: URL, region: String, credentials: AWSCredentials, timeout: Duration = .seconds(5),
            maxInFlightRequests: Int = 64
        ) {
            self.endpoint = endpoint
            self.region = region
            self.credentials = credentials
            self.timeout = timeout
            self.maxInFlightRequests = maxInFlightRequests
        }

        /// The endpoint of the API whose event this is: `https://{domainName}/{stage}`.
        public static func endpoint(domainName: String, stage: String) -> URL? {
            URL(string: "https://\(domainName)/\(stage)")
        }
    }

    /// What `GET` answers for an open connection.
    public struct ConnectionInfo: Codable, Hashable, Sendable {
        /// When the connection opened (ISO 8601).
        public var connectedAt: String?
        /// When the client last sent a message (ISO 8601).
        public var lastActiveAt: String?
        /// Who the client is.
        public var identity: Identity?

        /// The caller.
        public struct Identity: Codable, Hashable, Sendable {
            /// The client's address.
            public var sourceIp: String?
            /// The client's `User-Agent`.
            public var userAgent: String?
        }
    }

    /// The configuration in use.
    public let configuration: Configuration
    private let httpClient: HTTPClient
    private let signer: SigV4Signer
    let limit: InFlightLimit

    /// A client that sends through `httpClient` (AsyncHTTPClient's shared one by default).
    public init(configuration: Configuration, httpClient: HTTPClient = .shared) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.signer = SigV4Signer(
            credentials: configuration.credentials, region: configuration.region, service: "execute-api")
        self.limit = InFlightLimit(limit: configuration.maxInFlightRequests)
    }

    /// The URL of `connection`: its id percent-encoded as one path segment.
    public func url(for connection: ConnectionID) -> URL {
        let segment = SigV4Signer.uriEncode(connection.rawValue, keepSlash: false)
        var base = configuration.endpoint.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return URL(string: "\(base)/%40connections/\(segment)")!
    }

    // MARK: - ConnectionSender

    /// Posts `message` to every recipient, at most ``Configuration/maxInFlightRequests`` at a time;
    /// returns the recipients that did not take it.
    public func send(_ message: OutboundMessage, to recipients: [ConnectionID]) async -> [SendFailure] {
        // At most `limit` child tasks at once, so that a fan-out to many recipients holds that many
        // tasks, not one per recipient; the shared limit bounds the requests across sends.
        await withTaskGroup(of: SendFailure?.self) { group in
            var failures: [SendFailure] = []
            var running = 0
            for recipient in recipients {
                if running >= limit.limit {
                    if case let failure?? = await group.next() { failures.append(failure) }
                    running -= 1
                }
                running += 1
                group.addTask {
                    switch await self.post(message.bytes, to: recipient) {
                    case .ok: nil
                    case .gone: SendFailure(connection: recipient, reason: .gone)
                    case .failed(let reason): SendFailure(connection: recipient, reason: .failed(reason))
                    }
                }
            }
            for await failure in group {
                if let failure { failures.append(failure) }
            }
            return failures
        }
    }

    // MARK: - The three requests

    /// `POST`: sends `bytes` to the client as one message.
    public func post(_ bytes: [UInt8], to connection: ConnectionID) async -> ManagementAPIOutcome {
        await request("POST", connection, body: bytes).outcome
    }

    /// `GET`: the connection's details, `nil` when it is gone (410).
    public func connection(_ connection: ConnectionID) async -> Result<ConnectionInfo?, ManagementAPIError> {
        let answer = await request("GET", connection, body: [])
        switch answer.outcome {
        case .gone: return .success(nil)
        case .failed(let reason): return .failure(ManagementAPIError(reason: reason))
        case .ok:
            do {
                return .success(try JSONDecoder().decode(ConnectionInfo.self, from: Data(answer.body)))
            } catch {
                return .failure(ManagementAPIError(reason: "GET answered no connection details: \(error)"))
            }
        }
    }

    /// `DELETE`: closes the client's connection.
    public func delete(_ connection: ConnectionID) async -> ManagementAPIOutcome {
        await request("DELETE", connection, body: []).outcome
    }

    /// The most of a response body read: the API answers small JSON documents.
    static let maxResponseBytes = 64 * 1024

    private func request(_ method: String, _ connection: ConnectionID, body: [UInt8]) async -> (
        outcome: ManagementAPIOutcome, body: [UInt8]
    ) {
        let url = url(for: connection)
        let signed = signer.sign(
            method: method, url: url,
            headers: [("Host", SigV4Signer.host(of: url))]
                + (body.isEmpty && method != "POST" ? [] : [("Content-Type", "application/json")]),
            body: body, date: Date())
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .RAW(value: method)
        for (name, value) in signed.headers { request.headers.add(name: name, value: value) }
        if method == "POST" { request.body = .bytes(ByteBuffer(bytes: body)) }
        let timeout = TimeAmount.nanoseconds(
            configuration.timeout.components.seconds * 1_000_000_000 + configuration.timeout.components.attoseconds
                / 1_000_000_000)
        let prepared = request
        return await limit.withSlot { [httpClient] in
            do {
                let response = try await httpClient.execute(prepared, timeout: timeout)
                let bytes = Array(buffer: try await response.body.collect(upTo: Self.maxResponseBytes))
                switch response.status.code {
                case 200..<300: return (.ok, bytes)
                case 410: return (.gone, bytes)
                default:
                    let text = String(decoding: bytes.prefix(200), as: UTF8.self)
                    return (.failed("\(method) answered \(response.status.code): \(text)"), bytes)
                }
            } catch {
                return (.failed("\(method) failed: \(error)"), [])
            }
        }
    }
}

/// A `@connections` request that failed for a reason other than a gone connection.
public struct ManagementAPIError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var reason: String
    public var description: String { reason }
}
