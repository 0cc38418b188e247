import Foundation
import Testing
import WebSocketPubSubAWS

/// The signer against botocore: `Fixtures/sigv4-botocore.json` holds a table of requests and what
/// botocore's `SigV4Auth` computed for each (`Scripts/aws_sigv4_fixtures.py` writes it, and
/// `Scripts/aws.sh` regenerates it with the venv's botocore and fails on any difference).
struct SigV4SignerTests {
    struct Fixture: Decodable {
        var cases: [Case]
    }

    struct Case: Decodable, CustomTestStringConvertible {
        var name: String
        var method: String
        var url: String
        var headers: [[String]]
        var bodyHex: String
        var region: String
        var service: String
        var timestamp: String
        var accessKeyID: String
        var secretAccessKey: String
        var sessionToken: String?
        var canonicalRequest: String
        var stringToSign: String
        var authorization: String

        var testDescription: String { name }
    }

    static let cases: [Case] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/sigv4-botocore.json")
        guard let data = try? Data(contentsOf: url),
            let fixture = try? JSONDecoder().decode(Fixture.self, from: data)
        else { return [] }
        return fixture.cases
    }()

    @Test func theFixtureHoldsTheWholeTable() {
        #expect(Self.cases.count >= 13)
    }

    @Test(arguments: cases)
    func signatureMatchesBotocore(_ fixture: Case) throws {
        let signer = SigV4Signer(
            credentials: AWSCredentials(
                accessKeyID: fixture.accessKeyID, secretAccessKey: fixture.secretAccessKey,
                sessionToken: fixture.sessionToken),
            region: fixture.region, service: fixture.service)
        let url = try #require(URL(string: fixture.url))
        let signature = signer.sign(
            method: fixture.method, url: url,
            headers: fixture.headers.map { (name: $0[0], value: $0[1]) },
            body: Self.bytes(hex: fixture.bodyHex), date: try #require(Self.date(fixture.timestamp)))
        #expect(signature.canonicalRequest == fixture.canonicalRequest)
        #expect(signature.stringToSign == fixture.stringToSign)
        #expect(signature.authorization == fixture.authorization)
        if let token = fixture.sessionToken {
            #expect(signature.headers.contains { $0.name == "X-Amz-Security-Token" && $0.value == token })
        }
    }

    @Test func anOldSignatureIsReplacedNotKept() throws {
        let signer = SigV4Signer(
            credentials: AWSCredentials(accessKeyID: "AKID", secretAccessKey: "secret"), region: "us-east-1",
            service: "execute-api")
        let url = try #require(URL(string: "https://example.com/x"))
        let first = signer.sign(method: "GET", url: url, headers: [], body: [], date: Date(timeIntervalSince1970: 0))
        let again = signer.sign(
            method: "GET", url: url, headers: first.headers, body: [], date: Date(timeIntervalSince1970: 0))
        #expect(again.headers.filter { $0.name == "Authorization" }.count == 1)
        #expect(again.authorization == first.authorization)
    }

    static func date(_ timestamp: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.date(from: timestamp)
    }

    static func bytes(hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }
}
