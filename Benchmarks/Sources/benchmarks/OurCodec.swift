import WebSocketCodec

/// Our codec's side of the codec cases, shaped like the NIO rigs so that both hand out the same things.
enum OurCodec {
    /// Decodes the whole stream per iteration, one 64 KiB read at a time, as a server: each frame's
    /// payload is unmasked into a new array of its own (as NIO's `unmaskedData` is a new buffer per
    /// frame), every byte of it summed, and the array handed to a sink.
    final class Decoding {
        let wire: [UInt8]
        let maxFrameSize: Int

        init(wire: [UInt8], maxFrameSize: Int) {
            self.wire = wire
            self.maxFrameSize = maxFrameSize
        }

        @inline(never)
        func run(_ iterations: Int) throws -> (bytes: Int, sum: UInt64) {
            var total = (bytes: 0, sum: UInt64(0))
            for _ in 0..<iterations {
                var decoder = WSFrameDecoder(role: .server, maxFrameSize: maxFrameSize)
                var payload: [UInt8] = []
                let result = wire.withUnsafeBytes { whole in
                    var start = 0
                    var pass = (bytes: 0, sum: UInt64(0))
                    while start < whole.count {
                        let end = min(whole.count, start + Fixtures.readSize)
                        let read = UnsafeRawBufferPointer(rebasing: whole[start..<end])
                        if case .failure(let error) = decodeRead(&decoder, read, &payload, &pass) {
                            return Result<(bytes: Int, sum: UInt64), WSProtocolError>.failure(error)
                        }
                        start = end
                    }
                    return .success(pass)
                }
                let pass = try result.get()
                total.bytes &+= pass.bytes
                total.sum &+= pass.sum
            }
            return total
        }

        /// One read; the error is returned, not thrown, to keep the closure above non-throwing (a
        /// throwing one crashes the 6.3.1 optimizer here).
        @inline(never)
        func decodeRead(
            _ decoder: inout WSFrameDecoder,
            _ read: UnsafeRawBufferPointer,
            _ payload: inout [UInt8],
            _ pass: inout (bytes: Int, sum: UInt64)
        ) -> Result<Void, WSProtocolError> {
            var input = read
            do {
                while true {
                    switch try decoder.next(from: &input) {
                    case .needMoreData:
                        return .success(())
                    case .header(let header):
                        payload = []
                        payload.reserveCapacity(header.payloadLength)
                    case .payload(let chunk):
                        chunk.appendUnmasked(to: &payload)
                    case .frameEnd:
                        pass.bytes &+= payload.count
                        pass.sum &+= byteSum(payload)
                        blackHole(payload)
                    }
                }
            } catch {
                return .failure(error)
            }
        }
    }

    /// A whole server connection: `WSConnection.receive` over 64 KiB reads of text frames, each
    /// message handed out validated (mixed UTF-8) and every byte of it summed.
    final class Connection {
        let wire: [UInt8]

        init(wire: [UInt8]) {
            self.wire = wire
        }

        @inline(never)
        func run(_ iterations: Int) -> (bytes: Int, sum: UInt64) {
            var total = (bytes: 0, sum: UInt64(0))
            let configuration = WSConfiguration(maxMessageSize: 1 << 24, maxFrameSize: 1 << 24)
            for _ in 0..<iterations {
                var connection = WSConnection(role: .server, configuration: configuration)
                wire.withUnsafeBytes { whole in
                    var start = 0
                    while start < whole.count {
                        let end = min(whole.count, start + Fixtures.readSize)
                        let result = connection.receive(UnsafeRawBufferPointer(rebasing: whole[start..<end]))
                        for event in result.events {
                            guard case .text(let text) = event else {
                                fatalError("our connection handed out \(event), not a text message")
                            }
                            total.bytes &+= text.utf8.count
                            total.sum &+= byteSum(text.utf8)
                        }
                        precondition(result.output.isEmpty && !result.shouldCloseTransport)
                        start = end
                    }
                }
            }
            return total
        }
    }

    /// A broadcast: one text message encoded once as a server frame, the same bytes handed to every
    /// receiver (each receiver's slot takes a reference, as a transport's write queue would).
    final class Broadcast {
        let payload: [UInt8]
        var receivers: [[UInt8]]

        init(payload: [UInt8], recipients: Int) {
            self.payload = payload
            receivers = Array(repeating: [], count: recipients)
        }

        @inline(never)
        func run(_ iterations: Int) -> Int {
            for _ in 0..<iterations {
                let frame = WSFrameEncoder.serverFrame(opcode: .text, payload: payload)
                for index in receivers.indices {
                    receivers[index] = frame
                }
                blackHole(receivers)
            }
            return iterations
        }
    }

    static func unmask(_ bytes: UnsafeMutableRawBufferPointer, key: (UInt8, UInt8, UInt8, UInt8)) {
        WSMasking.mask(bytes, with: WSMaskingKey(key.0, key.1, key.2, key.3))
    }

    /// Our incremental validator over the whole text in one chunk, then `finish()`.
    static func validateUTF8(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var validator = UTF8Validator()
            return validator.validate(buffer) && validator.finish()
        }
    }
}
