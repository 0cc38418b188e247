import NIOCore
import NIOEmbedded
import NIOWebSocket

/// SwiftNIO's WebSocket codec, driven the cheapest fair way: the decoder's and encoder's own methods are
/// called directly with a real `ChannelHandlerContext` from an `EmbeddedChannel`, so no pipeline traversal
/// or `ByteToMessageHandler` buffering is charged to NIO; decoded frames go to a sink handler that takes
/// `frame.unmaskedData`, as our decoder hands out unmasked payloads.
enum NIOPeers {
    /// Passes frames on; only here so that the decoder has a context whose next handler is the sink.
    final class Anchor: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias InboundOut = WebSocketFrame
    }

    /// Takes each decoded frame's unmasked payload and folds a byte of it into a checksum.
    final class FrameSink: ChannelInboundHandler {
        typealias InboundIn = WebSocketFrame
        var payloadBytes = 0
        var checksum: UInt8 = 0

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let frame = unwrapInboundIn(data)
            let payload = frame.unmaskedData
            payloadBytes &+= payload.readableBytes
            if let last = payload.getInteger(at: payload.writerIndex &- 1, as: UInt8.self) {
                checksum ^= last
            }
            blackHole(payload)
        }
    }

    /// Swallows encoded buffers, counting their bytes.
    final class OutboundSink: ChannelOutboundHandler {
        typealias OutboundIn = ByteBuffer
        var bytes = 0

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            let buffer = unwrapOutboundIn(data)
            bytes &+= buffer.readableBytes
            blackHole(buffer)
            promise?.succeed(())
        }
    }

    /// A reusable decoding rig: `run(iterations)` decodes the whole stream `iterations` times and returns
    /// the payload bytes handed out.
    final class Decoding {
        let channel = EmbeddedChannel()
        let decoder: WebSocketFrameDecoder
        let sink = FrameSink()
        let context: ChannelHandlerContext
        let wire: ByteBuffer

        init(wire bytes: [UInt8], maxFrameSize: Int) throws {
            decoder = WebSocketFrameDecoder(maxFrameSize: maxFrameSize)
            let anchor = Anchor()
            try channel.pipeline.syncOperations.addHandlers([anchor, sink])
            context = try channel.pipeline.syncOperations.context(handler: anchor)
            wire = channel.allocator.buffer(bytes: bytes)
        }

        func run(_ iterations: Int) throws -> Int {
            let before = sink.payloadBytes
            for _ in 0..<iterations {
                var buffer = wire
                while case .continue = try decoder.decode(context: context, buffer: &buffer) {}
            }
            return sink.payloadBytes &- before
        }
    }

    /// A reusable encoding rig: `run(iterations, masked:)` encodes one frame of the payload per iteration.
    final class Encoding {
        let channel = EmbeddedChannel()
        let encoder = WebSocketFrameEncoder()
        let sink = OutboundSink()
        let context: ChannelHandlerContext
        let payload: ByteBuffer

        init(payload bytes: [UInt8]) throws {
            try channel.pipeline.syncOperations.addHandlers([sink, encoder])
            context = try channel.pipeline.syncOperations.context(handler: encoder)
            // No headroom before the payload: NIO then writes the header into its own reused buffer
            // and passes the payload on untouched (its zero-copy path for unmasked frames).
            payload = channel.allocator.buffer(bytes: bytes)
        }

        func run(_ iterations: Int, masked: Bool) -> Int {
            for index in 0..<iterations {
                let key: WebSocketMaskingKey? = masked ? WebSocketMaskingKey(Fixtures.maskKey(index)) : nil
                let frame = WebSocketFrame(fin: true, opcode: .binary, maskKey: key, data: payload)
                encoder.write(context: context, data: NIOAny(frame), promise: nil)
            }
            return iterations &* payload.readableBytes
        }
    }
}
