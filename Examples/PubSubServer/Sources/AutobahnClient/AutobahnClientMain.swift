import WebSocketCodec
import WebSocketCompression

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `autobahn-client`: runs every case of an Autobahn `fuzzingserver` through the library's client
/// role (handshake, masking encoder, decoder, connection state machine), echoing what it receives.
///
/// `autobahn-client --url ws://127.0.0.1:9001 --agent NAME [--permessage-deflate]`
@main
struct AutobahnClientMain {
    static func main() {
        do {
            let options = try Options.parse(Array(CommandLine.arguments.dropFirst()))
            let caseCount = try countCases(options)
            print("running \(caseCount) cases against \(options.host):\(options.port) as \(options.agent)")
            for number in 1...max(caseCount, 1) where caseCount > 0 {
                try echoSession(options, path: "/runCase?case=\(number)&agent=\(options.agent)")
                if number % 50 == 0 { print("  \(number)/\(caseCount)") }
            }
            try echoSession(options, path: "/updateReports?agent=\(options.agent)")
            print("done: \(caseCount) cases")
        } catch {
            FileHandleStderr.write("autobahn-client: \(error)\n")
            exit(1)
        }
    }

    /// `/getCaseCount` answers with one text message holding the count.
    private static func countCases(_ options: Options) throws -> Int {
        var count: Int?
        try session(options, path: "/getCaseCount") { event, connection in
            switch event {
            case .text(let message): count = Int(message.string)
            case .ping(let payload): return try connection.sendPong(payload)
            default: break
            }
            return []
        }
        guard let count else { throw ClientError(message: "the fuzzing server did not send a case count") }
        return count
    }

    /// Connects to `path` and echoes every data message until the connection closes.
    private static func echoSession(_ options: Options, path: String) throws {
        try session(options, path: path) { event, connection in
            switch event {
            case .text(let message): return try connection.sendText(utf8: message.utf8)
            case .binary(let bytes): return try connection.sendBinary(bytes)
            case .ping(let payload): return try connection.sendPong(payload)
            default: return []
            }
        }
    }

    /// Runs one WebSocket connection: handshake, then a read loop driving the state machine.
    /// `onEvent` returns bytes to write in answer (an echo), or nothing.
    private static func session(
        _ options: Options,
        path: String,
        onEvent: (WSEvent, inout WSConnection) throws -> [UInt8]
    ) throws {
        let socket = try BlockingSocket(host: options.host, port: options.port)
        let deflate = options.permessageDeflate ? PermessageDeflateConfiguration.client : nil
        let handshake = WSClientHandshake(
            host: "\(options.host):\(options.port)", target: path, extensionOffers: deflate?.clientOffers ?? [])
        try socket.write(handshake.requestBytes)

        var readBuffer = [UInt8](repeating: 0, count: 256 * 1024)
        var parser = HTTP1ResponseHeadParser()
        var leftover: [UInt8] = []
        var extensions: [any WSExtension] = []
        headLoop: while true {
            let count = try readBuffer.withUnsafeMutableBytes { try socket.read(into: $0) }
            guard count > 0 else { throw ClientError(message: "the server closed the connection during the handshake") }
            let chunk = readBuffer[0..<count]
            switch try parser.parse(chunk) {
            case .needMoreData:
                continue
            case .complete(let head, let consumed):
                let agreement = try handshake.validate(head)
                // A response RFC 7692 does not allow fails the connection (the thrown error closes it).
                if let deflate, let parameters = try deflate.clientAgreement(from: agreement.extensions) {
                    extensions = [PermessageDeflate(role: .client, parameters: parameters, configuration: deflate)]
                }
                leftover = Array(chunk.dropFirst(consumed))
                break headLoop
            }
        }

        var connection = WSConnection(
            role: .client,
            configuration: WSConfiguration(
                maxMessageSize: 64 * 1024 * 1024,
                maxFrameSize: 64 * 1024 * 1024,
                maxFramesPerMessage: 1 << 20,
                answersPings: false  // answered below, in event order
            ),
            extensions: extensions
        )
        var pending = leftover
        while true {
            if !pending.isEmpty {
                let result = pending.withUnsafeBytes { connection.receive($0) }
                pending = []
                for event in result.events {
                    let answer = try onEvent(event, &connection)
                    if !answer.isEmpty { try socket.write(answer) }
                }
                // After the replies to this batch's events: a close frame in the output goes out last.
                if !result.output.isEmpty { try socket.write(result.output) }
                if result.shouldCloseTransport || connection.state == .closed { return }
            }
            let count = try readBuffer.withUnsafeMutableBytes { try socket.read(into: $0) }
            if count == 0 {
                _ = connection.receiveEndOfStream()
                return
            }
            pending = Array(readBuffer[0..<count])
        }
    }
}

/// The command line: `--url ws://HOST:PORT --agent NAME`.
struct Options {
    var host = "127.0.0.1"
    var port = 9001
    var agent = "swift-websocket-pubsub"
    var permessageDeflate = false

    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options()
        var remaining = arguments[...]
        while let flag = remaining.popFirst() {
            if flag == "--permessage-deflate" {  // offer RFC 7692 compression; without a value
                options.permessageDeflate = true
                continue
            }
            guard let value = remaining.popFirst() else { throw ClientError(message: "\(flag) needs a value") }
            switch flag {
            case "--url":
                guard value.hasPrefix("ws://") else { throw ClientError(message: "--url must start with ws://") }
                let authority = value.dropFirst(5).prefix { $0 != "/" }
                guard let colon = authority.lastIndex(of: ":"),
                    let port = Int(authority[authority.index(after: colon)...])
                else { throw ClientError(message: "--url needs a port: ws://HOST:PORT") }
                options.host = String(authority[..<colon])
                options.port = port
            case "--agent":
                options.agent = value
            default:
                throw ClientError(
                    message:
                        "unknown flag \(flag); usage: autobahn-client --url ws://HOST:PORT --agent NAME [--permessage-deflate]"
                )
            }
        }
        return options
    }
}

struct ClientError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

enum FileHandleStderr {
    static func write(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { buffer in
            // File descriptor 2 is standard error; one write keeps the line whole.
            #if canImport(Glibc)
                Glibc.write(2, buffer.baseAddress, buffer.count)
            #else
                Darwin.write(2, buffer.baseAddress, buffer.count)
            #endif
        }
    }
}
