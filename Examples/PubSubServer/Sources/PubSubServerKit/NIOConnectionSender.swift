import NIOCore
import WebSocketCodec
import WebSocketPubSub

/// The pub/sub core's transport over SwiftNIO: frames a message once and writes the same bytes to
/// every recipient's channel.
///
/// Recipients are grouped by event loop, so a publish costs one task per loop rather than one per
/// connection; each handler decides on its own loop whether it can take the bytes (open, and under
/// its pending-bytes cap) and says so.
public struct NIOConnectionSender: ConnectionSender {
    let registry: SessionRegistry

    /// A sender that reaches the sessions of `registry`; a connection it does not hold is `gone`.
    public init(registry: SessionRegistry) {
        self.registry = registry
    }

    public func send(_ message: OutboundMessage, to recipients: [ConnectionID]) async -> [SendFailure] {
        let frame = Self.frame(message)
        var failures: [SendFailure] = []
        var batches: [ObjectIdentifier: (loop: any EventLoop, sessions: [SessionHandle])] = [:]
        for (id, session) in zip(recipients, registry.sessions(recipients)) {
            guard let session else {
                failures.append(SendFailure(connection: id, reason: .gone))
                continue
            }
            let loop = session.channel.eventLoop
            batches[ObjectIdentifier(loop), default: (loop, [])].sessions.append(session)
        }
        let pending = batches.values.map { batch in
            let future = batch.loop.submit {
                var refused: [SendFailure] = []
                for session in batch.sessions {
                    if let reason = session.handler.value.deliver(frame) {
                        refused.append(SendFailure(connection: session.id, reason: reason))
                    }
                }
                return refused
            }
            return (future, batch.sessions)
        }
        for (future, sessions) in pending {
            do {
                failures.append(contentsOf: try await future.get())
            } catch {
                // The loop is shutting down: none of its sessions took the message.
                for session in sessions {
                    failures.append(
                        SendFailure(connection: session.id, reason: .failed("event loop unavailable: \(error)")))
                }
            }
        }
        return failures
    }

    /// A server frame has no mask, so one encoding serves every recipient; NIO shares the buffer's
    /// storage between the writes instead of copying it.
    static func frame(_ message: OutboundMessage) -> ByteBuffer {
        let opcode: WSOpcode = message.kind == .text ? .text : .binary
        let header = WSFrameEncoder.serverHeaderBytes(opcode: opcode, payloadLength: message.bytes.count)
        var buffer = ByteBufferAllocator().buffer(capacity: header.count + message.bytes.count)
        buffer.writeBytes(header)
        buffer.writeBytes(message.bytes)
        return buffer
    }
}
