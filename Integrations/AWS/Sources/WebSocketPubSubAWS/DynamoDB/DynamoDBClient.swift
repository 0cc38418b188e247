public import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1

/// DynamoDB's JSON protocol (`POST /` with `X-Amz-Target: DynamoDB_20120810.<Operation>`), signed
/// with Signature Version 4; against AWS or a local endpoint such as moto's server.
///
/// Throttling, 5xx answers and requests that got no answer are retried up to
/// ``Configuration/maxAttempts`` times with a doubling delay; every other error is thrown at once as
/// a ``DynamoDBError`` whose ``DynamoDBError/type`` names DynamoDB's exception.
public struct DynamoDBClient: Sendable {
    /// Where DynamoDB is and how to reach it.
    public struct Configuration: Sendable {
        /// `https://dynamodb.{region}.amazonaws.com`, or a local endpoint.
        public var endpoint: URL
        /// The region, for the signature.
        public var region: String
        /// The keys requests are signed with.
        public var credentials: AWSCredentials
        /// How long one request may take.
        public var timeout: Duration
        /// Tries per request, the first included, for throttling and server errors.
        public var maxAttempts: Int

        /// A configuration; 10 s per request and 4 tries by default.
        public init(
            endpoint: URL, region: String, credentials: AWSCredentials, timeout: Duration = .seconds(10),
            maxAttempts: Int = 4
        ) {
            self.endpoint = endpoint
            self.region = region
            self.credentials = credentials
            self.timeout = timeout
            self.maxAttempts = max(1, maxAttempts)
        }

        /// AWS's endpoint for `region`.
        public static func awsEndpoint(region: String) -> URL {
            URL(string: "https://dynamodb.\(region).amazonaws.com")!
        }
    }

    /// The configuration in use.
    public let configuration: Configuration
    private let httpClient: HTTPClient
    private let signer: SigV4Signer

    /// The most of a response body read: one page of a query is at most 1 MB of items.
    static let maxResponseBytes = 8 * 1024 * 1024

    /// A client that sends through `httpClient` (AsyncHTTPClient's shared one by default).
    public init(configuration: Configuration, httpClient: HTTPClient = .shared) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.signer = SigV4Signer(
            credentials: configuration.credentials, region: configuration.region, service: "dynamodb")
    }

    /// Calls `operation` (`PutItem`, `Query`, …) with `input`; returns the response document.
    public func call(_ operation: String, _ input: [String: DynamoJSON]) async throws(DynamoDBError) -> DynamoJSON {
        let body: [UInt8]
        do {
            body = Array(try JSONEncoder().encode(DynamoJSON.object(input)))
        } catch {
            throw DynamoDBError(type: "SerializationException", message: "\(error)", status: 0)
        }
        var delay = Duration.milliseconds(50)
        var attempt = 1
        while true {
            do {
                return try await send(operation, body)
            } catch let error where error.isRetryable && attempt < configuration.maxAttempts {
                attempt += 1
                try? await Task.sleep(for: delay)
                delay *= 2
            }
        }
    }

    private func send(_ operation: String, _ body: [UInt8]) async throws(DynamoDBError) -> DynamoJSON {
        let url = configuration.endpoint
        let signed = signer.sign(
            method: "POST", url: url,
            headers: [
                ("Host", SigV4Signer.host(of: url)), ("Content-Type", "application/x-amz-json-1.0"),
                ("X-Amz-Target", "DynamoDB_20120810.\(operation)"),
            ], body: body, date: Date())
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        for (name, value) in signed.headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let parts = configuration.timeout.components
        let timeout = TimeAmount.nanoseconds(parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000)
        let status: Int
        let bytes: [UInt8]
        do {
            let response = try await httpClient.execute(request, timeout: timeout)
            status = Int(response.status.code)
            bytes = Array(buffer: try await response.body.collect(upTo: Self.maxResponseBytes))
        } catch {
            throw DynamoDBError(type: "RequestFailed", message: "\(operation): \(error)", status: 0)
        }
        let document = try? JSONDecoder().decode(DynamoJSON.self, from: Data(bytes))
        guard (200..<300).contains(status) else {
            let fullType = document?["__type"]?.stringValue ?? "HTTP\(status)"
            let type = fullType.split(separator: "#").last.map(String.init) ?? fullType
            let message =
                document?["message"]?.stringValue ?? document?["Message"]?.stringValue
                ?? String(decoding: bytes.prefix(300), as: UTF8.self)
            let reasons = (document?["CancellationReasons"]?.arrayValue ?? []).map { $0["Code"]?.stringValue ?? "None" }
            throw DynamoDBError(type: type, message: message, status: status, cancellationReasons: reasons)
        }
        guard let document else {
            throw DynamoDBError(
                type: "SerializationException", message: "\(operation) answered no JSON", status: status)
        }
        return document
    }
}

/// An error DynamoDB answered, or a request that got no answer.
public struct DynamoDBError: Error, Hashable, Sendable, CustomStringConvertible {
    /// DynamoDB's exception name (`ConditionalCheckFailedException`, `TransactionCanceledException`,
    /// `ResourceNotFoundException`, …), or `RequestFailed` when nothing answered.
    public var type: String
    /// What DynamoDB said.
    public var message: String
    /// The HTTP status; 0 when nothing answered.
    public var status: Int
    /// One code per item of a cancelled transaction (`None`, `ConditionalCheckFailed`,
    /// `TransactionConflict`), in the transaction's order.
    public var cancellationReasons: [String]

    /// An error from its parts.
    public init(type: String, message: String, status: Int, cancellationReasons: [String] = []) {
        self.type = type
        self.message = message
        self.status = status
        self.cancellationReasons = cancellationReasons
    }

    /// Throttling, a server error, or no answer: worth another try.
    public var isRetryable: Bool {
        status == 0 || status >= 500 || type == "ProvisionedThroughputExceededException"
            || type == "ThrottlingException" || type == "RequestLimitExceeded"
    }

    /// A failed condition of a single-item write.
    public var isConditionalCheckFailed: Bool { type == "ConditionalCheckFailedException" }

    public var description: String { "\(type) (\(status)): \(message)" }
}
