import WebSocketCodec

/// Our codec's side of the codec cases, shaped like the NIO rigs so that both hand out the same things.
enum OurCodec {
    /// Decodes the whole stream per iteration, as a server: each frame's payload is unmasked into a new
    /// array of its own (as NIO's `unmaskedData` is a new buffer per frame) and handed to a sink.
    final class Decoding {
        let wire: [UInt8]
        let maxFrameSize: Int
        var checksum: UInt8 = 0

        init?(wire: [UInt8], maxFrameSize: Int) throws {
            self.wire = wire
            self.maxFrameSize = maxFrameSize
        }

        @inline(never)
        func run(_ iterations: Int) throws -> Int {
            var handedOut = 0
            for _ in 0..<iterations {
                var decoder = WSFrameDecoder(role: .server, maxFrameSize: maxFrameSize)
                let result = wire.withUnsafeBytes { decodeAll(&decoder, from: $0) }
                handedOut &+= try result.get()
            }
            return handedOut
        }

        /// One pass over `buffer`; the error is returned, not thrown, to keep the closure above
        /// non-throwing (a throwing one crashes the 6.3.1 optimizer here).
        @inline(never)
        func decodeAll(
            _ decoder: inout WSFrameDecoder,
            from buffer: UnsafeRawBufferPointer
        ) -> Result<Int, WSProtocolError> {
            var input = buffer
            var payload: [UInt8] = []
            var handedOut = 0
            var checksum = self.checksum
            defer { self.checksum = checksum }
            do {
                while true {
                    switch try decoder.next(from: &input) {
                    case .needMoreData:
                        return .success(handedOut)
                    case .header:
                        payload = []
                    case .payload(let chunk):
                        chunk.appendUnmasked(to: &payload)
                    case .frameEnd:
                        handedOut &+= payload.count
                        if let last = payload.last { checksum ^= last }
                        blackHole(payload)
                    }
                }
            } catch {
                return .failure(error)
            }
        }
    }

    /// Encodes one frame per iteration.
    ///
    /// Unmasked (server role): the header is written into a reused buffer and the payload passed on
    /// untouched, the library's documented zero-copy path and the same output shape as NIO's encoder
    /// (a header buffer plus the caller's payload buffer). Masked (client role): one new array holding
    /// the header and the masked payload, as NIO's masked path also copies the payload.
    final class Encoding {
        let payload: [UInt8]
        let header = UnsafeMutableRawBufferPointer.allocate(byteCount: WSFrameHeader.maxLength, alignment: 8)
        var checksum = 0

        init?(payload: [UInt8]) {
            self.payload = payload
        }

        deinit {
            header.deallocate()
        }

        func run(_ iterations: Int, masked: Bool) -> Int {
            if masked {
                let encoder = WSFrameEncoder(role: .client)
                payload.withUnsafeBytes { source in
                    for index in 0..<iterations {
                        let key = WSMaskingKey(Fixtures.maskKey(index))
                        let frame = encoder.encode(opcode: .binary, payload: source, maskingKey: key)
                        checksum &+= frame.count
                        blackHole(frame)
                    }
                }
            } else {
                let encoder = WSFrameEncoder(role: .server)
                for _ in 0..<iterations {
                    let written = encoder.header(opcode: .binary, payloadLength: payload.count).write(to: header)
                    checksum &+= written &+ payload.count
                    blackHole(header)
                    blackHole(payload)
                }
            }
            return iterations &* payload.count
        }
    }

    static let hasUnmask = true
    static func unmask(_ bytes: UnsafeMutableRawBufferPointer, key: (UInt8, UInt8, UInt8, UInt8)) {
        WSMasking.mask(bytes, with: WSMaskingKey(key.0, key.1, key.2, key.3))
    }

    static let hasUTF8Validator = true
    /// Our incremental validator over the whole text in one chunk, then `finish()`.
    static func validateUTF8(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var validator = UTF8Validator()
            return validator.validate(buffer) && validator.finish()
        }
    }
}
