import Foundation
import WebSocketPubSub

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Posts each message to the gateway's callback URL of every recipient: `POST {base}/{connectionId}`.
struct HTTPCallbackSender: ConnectionSender {
    let base: URL
    let session: URLSession
    /// How many POSTs one batch runs at once.
    let maxConcurrentPosts = 64
    /// Adds credentials (a signature, a token) to each request.
    let authorize: @Sendable (inout URLRequest) async throws -> Void

    func send(_ message: OutboundMessage, to recipients: [ConnectionID]) async -> [SendFailure] {
        let body = Data(message.bytes)  // serialized once for the whole batch
        return await withTaskGroup(of: SendFailure?.self) { group in
            var failures: [SendFailure] = []
            var next = recipients.startIndex
            func startOne() {
                let id = recipients[next]
                next += 1
                group.addTask { await post(body, to: id) }
            }
            while next < recipients.endIndex && next - recipients.startIndex < maxConcurrentPosts { startOne() }
            for await failure in group {
                if let failure { failures.append(failure) }
                if next < recipients.endIndex { startOne() }
            }
            return failures
        }
    }

    private func post(_ body: Data, to id: ConnectionID) async -> SendFailure? {
        let escaped = id.rawValue.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? id.rawValue
        var request = URLRequest(url: base.appendingPathComponent(escaped), timeoutInterval: 5)
        request.httpMethod = "POST"
        request.httpBody = body
        do {
            try await authorize(&request)
            let (_, response) = try await session.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            switch status {
            case 200..<300: return nil
            case 410: return SendFailure(connection: id, reason: .gone)
            default: return SendFailure(connection: id, reason: .failed("HTTP \(status)"))
            }
        } catch {
            return SendFailure(connection: id, reason: .failed("\(error)"))  // timeouts included
        }
    }
}
