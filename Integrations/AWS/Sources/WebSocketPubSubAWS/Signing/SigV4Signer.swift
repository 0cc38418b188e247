import Crypto
public import Foundation

/// AWS Signature Version 4 for one service in one region, as botocore computes it for services
/// other than S3 (the path is normalized and percent-encoded a second time, the payload is hashed).
///
/// ```swift
/// let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "execute-api")
/// let signed = signer.sign(method: "POST", url: url, headers: [("Content-Type", "application/json")],
///                          body: bytes, date: Date())
/// // send `signed` as the request's headers
/// ```
///
/// The headers given are all signed, but `Expect`, `User-Agent` and `X-Amzn-Trace-Id` (which proxies
/// rewrite); `Host` is added from the URL when missing. An `Authorization`, `X-Amz-Date` or
/// `X-Amz-Security-Token` given is replaced.
public struct SigV4Signer: Sendable {
    /// The keys.
    public var credentials: AWSCredentials
    /// The region, `us-east-1` say.
    public var region: String
    /// The signing name of the service: `execute-api` for the `@connections` API, `dynamodb`.
    public var service: String

    /// A signer for `service` in `region`.
    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The intermediate values of one signature, for tests and for debugging a 403.
    public struct Signature: Sendable {
        /// The canonical request whose hash is signed.
        public var canonicalRequest: String
        /// The string the signing key signs.
        public var stringToSign: String
        /// The hex signature.
        public var signature: String
        /// The request's headers, with `X-Amz-Date`, the session token and `Authorization` added.
        public var headers: [(name: String, value: String)]

        /// The `Authorization` header's value.
        public var authorization: String {
            headers.first { $0.name == "Authorization" }?.value ?? ""
        }
    }

    private static let unsignedHeaders: Set<String> = ["expect", "user-agent", "x-amzn-trace-id"]
    private static let replacedHeaders: Set<String> = ["authorization", "x-amz-date", "x-amz-security-token"]

    /// Signs a request; returns its headers with the signature's added.
    public func sign(
        method: String, url: URL, headers: [(name: String, value: String)], body: some Collection<UInt8>, date: Date
    ) -> Signature {
        let timestamp = Self.timestamp(date)
        let day = String(timestamp.prefix(8))
        var headers = headers.filter { !Self.replacedHeaders.contains($0.name.lowercased()) }
        headers.append(("X-Amz-Date", timestamp))
        if let token = credentials.sessionToken { headers.append(("X-Amz-Security-Token", token)) }

        var signed: [String: [String]] = [:]
        for (name, value) in headers where !Self.unsignedHeaders.contains(name.lowercased()) {
            signed[name.lowercased(), default: []].append(value)
        }
        if signed["host"] == nil { signed["host"] = [Self.host(of: url)] }
        let names = signed.keys.sorted()
        let canonicalHeaders = names.map { name in
            name + ":" + signed[name]!.map(Self.trimAll).joined(separator: ",")
        }.joined(separator: "\n")
        let signedHeaders = names.joined(separator: ";")

        let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        let path = Self.uriEncode(Self.removeDotSegments(components?.percentEncodedPath ?? "/"), keepSlash: true)
        let query = Self.canonicalQuery(components?.percentEncodedQuery)
        let canonicalRequest = [
            method.uppercased(), path, query, canonicalHeaders + "\n", signedHeaders,
            Self.hex(SHA256.hash(data: Array(body))),
        ].joined(separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256", timestamp, scope, Self.hex(SHA256.hash(data: Array(canonicalRequest.utf8))),
        ].joined(separator: "\n")

        var key = SymmetricKey(data: Array("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
        headers.append(
            (
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
            ))
        return Signature(
            canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature, headers: headers)
    }

    /// `20150830T123600Z`: the date in UTC, to the second.
    static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String {
            let value = value ?? 0
            return value < 10 ? "0\(value)" : "\(value)"
        }
        return
            "\(parts.year ?? 1970)\(two(parts.month))\(two(parts.day))T\(two(parts.hour))\(two(parts.minute))\(two(parts.second))Z"
    }

    /// The `Host` header a client sends for `url`: the port only when it is not the scheme's default.
    static func host(of url: URL) -> String {
        let host = url.host ?? ""
        guard let port = url.port else { return host }
        let defaultPort = url.scheme?.lowercased() == "https" ? 443 : 80
        return port == defaultPort ? host : "\(host):\(port)"
    }

    /// Whitespace trimmed at both ends and runs of it collapsed to one space, as botocore does.
    static func trimAll(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).joined(separator: " ")
    }

    /// The query's `key=value` pairs as sent, sorted by key, then value.
    static func canonicalQuery(_ query: String?) -> String {
        guard let query, !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> (String, String) in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
        return pairs.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// RFC 3986 section 5.2.4, and empty segments dropped, as AWS services expect.
    static func removeDotSegments(_ path: String) -> String {
        guard !path.isEmpty else { return "/" }
        var output: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) where segment != "." {
            if segment == ".." {
                if !output.isEmpty { output.removeLast() }
            } else {
                output.append(segment)
            }
        }
        let first = path.hasPrefix("/") ? "/" : ""
        let last = path.hasSuffix("/") && !output.isEmpty ? "/" : ""
        return first + output.joined(separator: "/") + last
    }

    /// Percent-encodes every byte but the unreserved characters (and `/` when asked).
    static func uriEncode(_ text: String, keepSlash: Bool) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                encoded.append("/")
            default:
                let digits = Array("0123456789ABCDEF".utf8)
                encoded.unicodeScalars.append("%")
                encoded.unicodeScalars.append(Unicode.Scalar(digits[Int(byte >> 4)]))
                encoded.unicodeScalars.append(Unicode.Scalar(digits[Int(byte & 0xF)]))
            }
        }
        return encoded
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
