import NIOCore
import NIOEmbedded
import NIOWebSocket

/// SwiftNIO's WebSocket codec as a NIO server runs it: `ByteToMessageHandler(WebSocketFrameDecoder)` fed
/// the stream in socket-sized `ByteBuffer`s, so that NIO's own buffering of a frame that straddles
/// reads is charged to it, as it is on a real channel. Decoded frames go to a sink that takes
/// `frame.unmaskedData` and sums every byte of it.
enum NIOPeers {
    /// Takes each decoded frame's unmasked payload and sums its bytes.
    final class FrameSink: ChannelInboundHandler {
        typealias InboundIn = WebSocketFrame
        var payloadBytes = 0
        var payloadSum: UInt64 = 0
        /// Text frames only: their payload is checked with `UTF8Span(validating:)` first.
        let validatesText: Bool
        var invalidText = 0

        init(validatesText: Bool) {
            self.validatesText = validatesText
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let frame = unwrapInboundIn(data)
            let payload = frame.unmaskedData
            payloadBytes &+= payload.readableBytes
            payload.withUnsafeReadableBytes { bytes in
                if validatesText && !PeerKernels.validateWithUTF8Span(bytes) { invalidText &+= 1 }
                payloadSum &+= byteSum(bytes)
            }
            blackHole(payload)
        }
    }

    /// A reusable decoding rig: `run(iterations)` feeds the whole stream `iterations` times, one
    /// 64 KiB `ByteBuffer` per read, and returns the payload bytes handed out and their sum.
    ///
    /// With `aggregating`, NIO's `NIOWebSocketFrameAggregator` sits between decoder and sink, and the
    /// sink validates text with `UTF8Span`: the pipeline a NIO server needs to hand out whole,
    /// checked text messages, as our `WSConnection` does.
    final class Decoding {
        let channel = EmbeddedChannel()
        let sink: FrameSink
        let reads: [ByteBuffer]

        init(wire bytes: [UInt8], maxFrameSize: Int, aggregating: Bool = false) throws {
            sink = FrameSink(validatesText: aggregating)
            let decoder = ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: maxFrameSize))
            if aggregating {
                let aggregator = NIOWebSocketFrameAggregator(
                    minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 1024, maxAccumulatedFrameSize: maxFrameSize)
                try channel.pipeline.syncOperations.addHandlers([decoder, aggregator, sink])
            } else {
                try channel.pipeline.syncOperations.addHandlers([decoder, sink])
            }
            // Each read is a buffer of its own, as a socket read gives one.
            reads = stride(from: 0, to: bytes.count, by: Fixtures.readSize).map { start in
                let end = min(bytes.count, start + Fixtures.readSize)
                return ByteBufferAllocator().buffer(bytes: bytes[start..<end])
            }
        }

        func run(_ iterations: Int) -> (bytes: Int, sum: UInt64) {
            let bytesBefore = sink.payloadBytes
            let sumBefore = sink.payloadSum
            let pipeline = channel.pipeline.syncOperations
            for _ in 0..<iterations {
                for read in reads {
                    pipeline.fireChannelRead(NIOAny(read))
                }
                pipeline.fireChannelReadComplete()
            }
            precondition(sink.invalidText == 0, "UTF8Span rejected a text frame of the fixture")
            return (sink.payloadBytes &- bytesBefore, sink.payloadSum &- sumBefore)
        }
    }

    /// Swallows encoded buffers, counting their bytes.
    final class OutboundSink: ChannelOutboundHandler {
        typealias OutboundIn = ByteBuffer
        var bytes = 0
        var writes = 0
        /// The last two buffers written: a frame's header and payload.
        var previous = ByteBuffer()
        var latest = ByteBuffer()

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            let buffer = unwrapOutboundIn(data)
            bytes &+= buffer.readableBytes
            writes &+= 1
            previous = latest
            latest = buffer
            promise?.succeed(())
        }
    }

    /// A broadcast through NIO's `WebSocketFrameEncoder`: one text frame for `recipients` receivers.
    ///
    /// `once`: the frame goes through the encoder once and the buffers it writes (the header buffer,
    /// then the caller's payload) are handed to every receiver. `perChannel`: the encoder runs once
    /// per receiver, as it does when each channel's pipeline encodes the frame it is written.
    final class Broadcast {
        let channel = EmbeddedChannel()
        let encoder = WebSocketFrameEncoder()
        let sink = OutboundSink()
        let context: ChannelHandlerContext
        let payload: ByteBuffer
        var receivers: [ByteBuffer]

        init(payload bytes: [UInt8], recipients: Int) throws {
            try channel.pipeline.syncOperations.addHandlers([sink, encoder])
            context = try channel.pipeline.syncOperations.context(handler: encoder)
            payload = channel.allocator.buffer(bytes: bytes)
            receivers = Array(repeating: ByteBuffer(), count: 2 * recipients)
        }

        /// Broadcasts `iterations` times; returns the number of broadcasts.
        func runOnce(_ iterations: Int) -> Int {
            let recipients = receivers.count / 2
            for _ in 0..<iterations {
                let before = sink.writes
                // The encoder writes the header into a buffer it owns and reuses, and the payload
                // after it; both buffers are what each receiver gets.
                let frame = WebSocketFrame(fin: true, opcode: .text, data: payload)
                encoder.write(context: context, data: NIOAny(frame), promise: nil)
                precondition(sink.writes == before + 2)
                let header = sink.previous
                let body = sink.latest
                for index in 0..<recipients {
                    receivers[2 * index] = header
                    receivers[2 * index + 1] = body
                }
                blackHole(receivers)
            }
            return iterations
        }

        /// Encodes once per receiver, `iterations` times; returns the number of broadcasts.
        func runPerChannel(_ iterations: Int) -> Int {
            let recipients = receivers.count / 2
            for _ in 0..<iterations {
                for _ in 0..<recipients {
                    let frame = WebSocketFrame(fin: true, opcode: .text, data: payload)
                    encoder.write(context: context, data: NIOAny(frame), promise: nil)
                }
            }
            return iterations
        }
    }
}
