import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// e2e.fanout.1k and .10k: the example server over loopback, 1,000 (10,000) subscribed WebSocket
/// clients in this process, the server in another; and the server's RSS per subscribed connection.
///
/// The server runs as a subprocess on a free port. The clients are plain NIO channels with a hand-rolled
/// minimal client (handshake request, one masked `subscribe` frame, a parser for unmasked server
/// frames), so that this case measures the server and not our client role. Publishes go one at a time:
/// each opens a connection, records the time, writes `POST /events`, and waits for the response and for
/// all 1,000 deliveries before the next. Deliveries per second are the deliveries of a run of 100
/// publishes over that run's wall time (connection set-up for each POST included); latency is
/// from writing the POST to a client reading its message.
enum EndToEnd {
    static let entity = "e2e-fanout"

    /// One size of the case: how many clients, and how many publishes per run (5 runs).
    struct Size: Sendable {
        var clients: Int
        var publishesPerRun: Int
        var runs = 5
    }

    static let small = Size(clients: 1_000, publishesPerRun: 100)
    // 10,000 deliveries per publish: 20 publishes per run keep a run near the 1k case's length.
    static let large = Size(clients: 10_000, publishesPerRun: 20)

    static var all: [Case] {
        [
            Case(name: "e2e.fanout.1k", unit: "deliveries/s", target: nil) {
                (try await Shared.small.results()?.rate, nil)
            },
            Case(name: "e2e.fanout.1k.p99", unit: "ms", target: .atMost(20)) {
                (try await Shared.small.results()?.p99, nil)
            },
            Case(name: "e2e.server_rss.per_connection.1k", unit: "bytes", target: .atMost(8_192)) {
                (try await Shared.small.results()?.rssPerConnection, nil)
            },
            Case(name: "e2e.fanout.10k", unit: "deliveries/s", target: nil) {
                (try await Shared.large.results()?.rate, nil)
            },
            Case(name: "e2e.fanout.10k.p99", unit: "ms", target: .atMost(50)) {
                (try await Shared.large.results()?.p99, nil)
            },
        ]
    }

    /// What one session against the server measured.
    struct Results: Sendable {
        var rate: Double
        var p99: Double
        /// Growth of the server's resident set from before the first client connected to when all
        /// were subscribed, per client.
        var rssPerConnection: Double
    }

    /// A size's lines come from one session against the server.
    actor Shared {
        static let small = Shared(size: EndToEnd.small)
        static let large = Shared(size: EndToEnd.large)
        let size: Size
        private var done = false
        private var cached: Results?

        init(size: Size) {
            self.size = size
        }

        func results() async throws -> Results? {
            if done { return cached }
            done = true
            cached = try await EndToEnd.measure(size)
            return cached
        }
    }

    /// The server binary: `$PUBSUB_SERVER_BINARY`, else `Examples/PubSubServer/.build/release/pubsub-server`
    /// in this repository.
    static var serverBinary: String {
        if let path = ProcessInfo.processInfo.environment["PUBSUB_SERVER_BINARY"] { return path }
        let root = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent("Examples/PubSubServer/.build/release/pubsub-server").path
    }

    static func measure(_ size: Size) async throws -> Results? {
        let binary = serverBinary
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            note(
                "e2e: no server binary at \(binary); build it with "
                    + "`swift build -c release --package-path Examples/PubSubServer` to run the e2e case")
            return nil
        }
        raiseOpenFileLimit()
        let server = try ServerProcess(binary: binary)
        defer { server.stop() }
        let port = try await server.waitUntilListening()
        let rssBefore = server.residentBytes()

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let collector = Collector(expected: size.clients)
        var clients: [any Channel] = []
        do {
            clients = try await connectClients(size.clients, to: port, group: group, collector: collector)
            let rssPerConnection = Double(server.residentBytes() - rssBefore) / Double(size.clients)
            // Warm-up: 10 publishes, not counted.
            for seq in 0..<10 {
                try await publish(seq: seq, clients: size.clients, port: port, group: group, collector: collector)
            }
            var rates: [Double] = []
            var p99s: [Double] = []
            for run in 0..<size.runs {
                collector.resetLatencies()
                let start = now()
                for index in 0..<size.publishesPerRun {
                    try await publish(
                        seq: 1_000 + run * size.publishesPerRun + index, clients: size.clients, port: port,
                        group: group, collector: collector)
                }
                let elapsed = now() - start
                let latencies = collector.resetLatencies().sorted()
                precondition(latencies.count == size.clients * size.publishesPerRun, "deliveries missing")
                rates.append(Double(latencies.count) / elapsed)
                let rank = Int((0.99 * Double(latencies.count)).rounded(.up)) - 1
                p99s.append(latencies[max(0, rank)] * 1_000)
            }
            for client in clients { client.close(promise: nil) }
            try await group.shutdownGracefully()
            return Results(rate: median(rates), p99: median(p99s), rssPerConnection: rssPerConnection)
        } catch {
            for client in clients { client.close(promise: nil) }
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Connects the clients in batches of 100 and waits until each is subscribed.
    static func connectClients(
        _ clientCount: Int, to port: Int, group: MultiThreadedEventLoopGroup, collector: Collector
    ) async throws -> [any Channel] {
        var channels: [any Channel] = []
        for batchStart in stride(from: 0, to: clientCount, by: 100) {
            var pending: [(EventLoopFuture<any Channel>, EventLoopFuture<Void>)] = []
            for _ in batchStart..<min(batchStart + 100, clientCount) {
                let subscribed = group.next().makePromise(of: Void.self)
                let connected = ClientBootstrap(group: group)
                    .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(
                                WebSocketClientHandler(
                                    port: port, entity: entity, collector: collector, subscribed: subscribed))
                        }
                    }
                    .connect(host: "127.0.0.1", port: port)
                connected.whenFailure { subscribed.fail($0) }
                pending.append((connected, subscribed.futureResult))
            }
            for (connected, subscribed) in pending {
                channels.append(try await connected.get())
                try await subscribed.get()
            }
        }
        return channels
    }

    /// One `POST /events`, waiting for the response and for every delivery.
    static func publish(
        seq: Int, clients clientCount: Int, port: Int, group: MultiThreadedEventLoopGroup, collector: Collector
    ) async throws {
        let response = group.next().makePromise(of: String.self)
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(HTTPResponseReader(response: response))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        let body = #"{"entityId":"\#(entity)","message":{"seq":\#(seq)}}"#
        let request =
            "POST /events HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
        let delivered = collector.expect(seq: seq, on: channel.eventLoop)
        let sentAt = now()
        try await channel.writeAndFlush(channel.allocator.buffer(string: request)).get()
        let timeout = channel.eventLoop.scheduleTask(in: .seconds(10)) {
            response.fail(EndToEndError.timeout("POST /events seq \(seq)"))
            collector.fail(seq: seq, EndToEndError.timeout("deliveries of seq \(seq)"))
        }
        defer { timeout.cancel() }
        let text = try await response.futureResult.get()
        let responded = now()
        guard text.hasPrefix("HTTP/1.1 200"), text.contains(#""delivered":\#(clientCount)"#) else {
            throw EndToEndError.badResponse(String(text.prefix(300)))
        }
        try await delivered.get()
        if ProcessInfo.processInfo.environment["BENCH_E2E_TRACE"] != nil {
            note(
                "seq \(seq): response after \(String(format: "%.2f", (responded - sentAt) * 1000)) ms, all delivered after \(String(format: "%.2f", (now() - sentAt) * 1000)) ms"
            )
        }
    }

    /// Raises this process's soft limit on open files to its hard limit: 10,000 clients need
    /// 10,000 descriptors here, and the server, started after, inherits it.
    static func raiseOpenFileLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    enum EndToEndError: Error, CustomStringConvertible {
        case timeout(String)
        case badResponse(String)
        case serverDidNotStart(String)
        case handshakeRejected(String)

        var description: String {
            switch self {
            case .timeout(let what): "timed out waiting for \(what)"
            case .badResponse(let text): "unexpected response to POST /events: \(text)"
            case .serverDidNotStart(let log): "the server did not print `listening on`; its output: \(log)"
            case .handshakeRejected(let text): "the server refused the WebSocket handshake: \(text)"
            }
        }
    }

    /// Receive times of deliveries, keyed by publish; shared by the client channels and the publisher.
    final class Collector: Sendable {
        private struct State {
            var starts: [Int: Double] = [:]
            var counts: [Int: Int] = [:]
            var waiters: [Int: EventLoopPromise<Void>] = [:]
            var latencies: [Double] = []
        }

        private let expected: Int
        private let state = NIOLockedValueBox(State())

        init(expected: Int) {
            self.expected = expected
        }

        /// Registers publish `seq` as sent now; the future completes when every client has it.
        func expect(seq: Int, on loop: any EventLoop) -> EventLoopFuture<Void> {
            let promise = loop.makePromise(of: Void.self)
            state.withLockedValue {
                $0.waiters[seq] = promise
                $0.starts[seq] = now()
            }
            return promise.futureResult
        }

        func received(seq: Int, at time: Double) {
            let done: EventLoopPromise<Void>? = state.withLockedValue { state in
                guard let start = state.starts[seq] else { return nil }
                state.latencies.append(time - start)
                let count = state.counts[seq, default: 0] + 1
                state.counts[seq] = count
                return count == expected ? state.waiters.removeValue(forKey: seq) : nil
            }
            done?.succeed(())
        }

        func fail(seq: Int, _ error: any Error) {
            state.withLockedValue { $0.waiters.removeValue(forKey: seq) }?.fail(error)
        }

        @discardableResult
        func resetLatencies() -> [Double] {
            state.withLockedValue { state in
                defer { state.latencies = [] }
                return state.latencies
            }
        }
    }

    /// The example server as a subprocess, its standard error going to a temporary file.
    final class ServerProcess {
        let process = Process()
        let logURL: URL

        init(binary: String) throws {
            logURL = FileManager.default.temporaryDirectory.appendingPathComponent(
                "bench-e2e-server-\(getpid()).log")
            _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["--host", "127.0.0.1", "--port", "0"]
            process.standardError = try FileHandle(forWritingTo: logURL)
            process.standardOutput = FileHandle.nullDevice
            try process.run()
        }

        /// Waits (up to 15 s) for `listening on HOST:PORT` and returns the port.
        func waitUntilListening() async throws -> Int {
            let deadline = now() + 15
            while now() < deadline {
                let log = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
                if let line = log.split(separator: "\n").first(where: { $0.contains("listening on") }),
                    let port = line.split(separator: ":").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) })
                {
                    return port
                }
                if !process.isRunning { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            let log = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
            throw EndToEndError.serverDidNotStart(String(log.suffix(1_000)))
        }

        /// SIGTERM, then SIGKILL if it has not exited within 6 s.
        /// The server's resident set (`VmRSS` in `/proc/<pid>/status`), in bytes; 0 where unreadable.
        func residentBytes() -> Int {
            let status =
                (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
            return kilobytes * 1_024
        }

        func stop() {
            if process.isRunning {
                process.terminate()
                let deadline = now() + 6
                while process.isRunning && now() < deadline { usleep(10_000) }
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            }
            try? FileManager.default.removeItem(at: logURL)
        }
    }
}

/// A minimal WebSocket client: handshake, one masked `subscribe` text frame, then unmasked server frames.
final class WebSocketClientHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Phase { case handshaking, subscribing, subscribed }

    private let port: Int
    private let entity: String
    private let collector: EndToEnd.Collector
    private let subscribed: EventLoopPromise<Void>
    private var phase = Phase.handshaking
    private var buffer = ByteBuffer()
    private var subscribeSettled = false
    private var pings: [[UInt8]] = []

    init(port: Int, entity: String, collector: EndToEnd.Collector, subscribed: EventLoopPromise<Void>) {
        self.port = port
        self.entity = entity
        self.collector = collector
        self.subscribed = subscribed
    }

    func channelActive(context: ChannelHandlerContext) {
        let request =
            "GET / HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: request)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if buffer.readableBytes == 0 && phase == .subscribed {
            // The common case, one whole delivery per read: parse it in place, no copy.
            swap(&buffer, &incoming)
        } else {
            buffer.writeBuffer(&incoming)
        }
        if phase == .handshaking {
            guard let end = Self.find(Self.headEnd, in: buffer) else { return }
            let head = buffer.readString(length: end + Self.headEnd.count) ?? ""
            guard head.hasPrefix("HTTP/1.1 101") else {
                settle(.failure(EndToEnd.EndToEndError.handshakeRejected(head)))
                context.close(promise: nil)
                return
            }
            phase = .subscribing
            let message = Array(#"{"action":"subscribe","entityId":"\#(entity)"}"#.utf8)
            context.writeAndFlush(
                wrapOutboundOut(maskedTextFrame(message, allocator: context.channel.allocator)), promise: nil)
        }
        while let payload = nextFrame() {
            switch phase {
            case .handshaking:
                break
            case .subscribing:
                if Self.find(Self.subscribedMarker, in: payload) != nil {
                    phase = .subscribed
                    settle(.success(()))
                }
            case .subscribed:
                let time = now()
                if let seq = Self.sequenceNumber(in: payload) { collector.received(seq: seq, at: time) }
            }
        }
        for ping in pings {
            context.writeAndFlush(wrapOutboundOut(maskedPong(ping, allocator: context.channel.allocator)), promise: nil)
        }
        pings.removeAll()
        if buffer.readableBytes == 0 {
            buffer.clear()
        } else {
            buffer.discardReadBytes()
        }
    }

    private static let headEnd = Array("\r\n\r\n".utf8)
    private static let subscribedMarker = Array(#""subscribed""#.utf8)
    private static let seqMarker = Array(#""seq":"#.utf8)

    /// The offset of `needle` in `buffer`'s readable bytes.
    private static func find(_ needle: [UInt8], in buffer: ByteBuffer) -> Int? {
        buffer.withUnsafeReadableBytes { haystack -> Int? in
            guard haystack.count >= needle.count else { return nil }
            for start in 0...(haystack.count - needle.count) {
                var matched = 0
                while matched < needle.count && haystack[start + matched] == needle[matched] { matched += 1 }
                if matched == needle.count { return start }
            }
            return nil
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        settle(.failure(EndToEnd.EndToEndError.timeout("a subscription (connection closed)")))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        settle(.failure(error))
        context.close(promise: nil)
    }

    /// Completes the subscription promise once.
    private func settle(_ result: Result<Void, any Error>) {
        guard !subscribeSettled else { return }
        subscribeSettled = true
        subscribed.completeWith(result)
    }

    /// The payload of the next complete final text frame; other frames are skipped, but a ping's
    /// payload is kept for its pong (the server closes a connection that leaves its pings unanswered,
    /// which 10,000 clients connecting for longer than its ping interval plus timeout would).
    private func nextFrame() -> ByteBuffer? {
        while true {
            guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
                let second = buffer.getInteger(at: buffer.readerIndex + 1, as: UInt8.self)
            else { return nil }
            var headerLength = 2
            var length = Int(second & 0x7F)
            if length == 126 {
                guard let extended = buffer.getInteger(at: buffer.readerIndex + 2, as: UInt16.self) else { return nil }
                length = Int(extended)
                headerLength = 4
            } else if length == 127 {
                guard let extended = buffer.getInteger(at: buffer.readerIndex + 2, as: UInt64.self) else { return nil }
                length = Int(extended)
                headerLength = 10
            }
            guard buffer.readableBytes >= headerLength + length else { return nil }
            buffer.moveReaderIndex(forwardBy: headerLength)
            let payload = buffer.readSlice(length: length)!
            if first == 0x81 { return payload }
            if first == 0x89 { pings.append(Array(payload.readableBytesView)) }
        }
    }

    /// A masked control frame (a pong) carrying `payload`, at most 125 bytes.
    private func maskedPong(_ payload: [UInt8], allocator: ByteBufferAllocator) -> ByteBuffer {
        let key: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        var frame = allocator.buffer(capacity: payload.count + 6)
        frame.writeBytes([0x8A, 0x80 | UInt8(min(payload.count, 125))] + key)
        frame.writeBytes(payload.prefix(125).enumerated().map { $0.element ^ key[$0.offset & 3] })
        return frame
    }

    private func maskedTextFrame(_ payload: [UInt8], allocator: ByteBufferAllocator) -> ByteBuffer {
        precondition(payload.count < 126)
        let key: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        var frame = allocator.buffer(capacity: payload.count + 6)
        frame.writeBytes([0x81, 0x80 | UInt8(payload.count)] + key)
        frame.writeBytes(payload.enumerated().map { $0.element ^ key[$0.offset & 3] })
        return frame
    }

    /// The number after `"seq":` in a delivery.
    private static func sequenceNumber(in payload: ByteBuffer) -> Int? {
        guard let marker = find(seqMarker, in: payload) else { return nil }
        return payload.withUnsafeReadableBytes { bytes -> Int? in
            var index = marker + seqMarker.count
            var value = 0
            var digits = 0
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39, digits < 18 {
                value = value * 10 + Int(bytes[index] - 0x30)
                index += 1
                digits += 1
            }
            return digits > 0 ? value : nil
        }
    }
}

/// Collects an HTTP response until the server closes the connection.
final class HTTPResponseReader: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let response: EventLoopPromise<String>
    private var bytes: [UInt8] = []

    init(response: EventLoopPromise<String>) {
        self.response = response
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        bytes += unwrapInboundIn(data).readableBytesView
    }

    func channelInactive(context: ChannelHandlerContext) {
        response.succeed(String(decoding: bytes, as: UTF8.self))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        response.fail(error)
        context.close(promise: nil)
    }
}
