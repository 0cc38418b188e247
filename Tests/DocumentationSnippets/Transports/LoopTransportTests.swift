import Dispatch
import Testing
import WebSocketPubSub
import WebSocketPubSubTesting

/// A loop on a serial dispatch queue, writing to a recorded "socket".
final class QueueLoop: CallbackLoop {
    private let queue = DispatchQueue(label: "loop")
    private let written = StoreLock<[[UInt8]]>([])

    func run(_ work: @escaping @Sendable () -> Void) { queue.async(execute: work) }

    func writeAndFlush(_ frames: [[UInt8]], then completion: @escaping @Sendable (Bool) -> Void) {
        written.withLock { $0 += frames }
        completion(true)
    }

    func close(code: UInt16) {}

    var texts: [String] { written.withLock { $0 }.map { String(decoding: $0, as: UTF8.self) } }
}

@Suite("Transports.md: a transport whose writes complete on a loop", .timeLimit(.minutes(1)))
struct LoopTransportTests {
    @Test func repliesAndPublishesGoThroughTheLoopInOrder() async throws {
        let (hub, notifier) = makeServer()
        let loop = QueueLoop()
        guard
            case .opened(let session) = await hub.connect(
                ConnectRequest(id: .random()), transport: LoopTransport(loop: loop))
        else {
            Issue.record("the session did not open")
            return
        }
        await session.handle(text: #"{"action":"subscribe","entityId":"game-42"}"#)
        for score in 1...20 {
            _ = try await notifier.publish(entityId: EntityID(validating: "game-42"), json: Array("\(score)".utf8))
        }
        for _ in 0..<1_000 where loop.texts.count < 21 { try await Task.sleep(for: .milliseconds(5)) }

        #expect(loop.texts.first == #"{"status":"subscribed","entityId":"game-42"}"#)
        #expect(loop.texts.dropFirst() == ArraySlice((1...20).map { #"{"entityId":"game-42","message":\#($0)}"# }))
    }
}
