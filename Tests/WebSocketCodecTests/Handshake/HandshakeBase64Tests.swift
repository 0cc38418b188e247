import Testing

@testable import WebSocketCodec

@Suite("Base64")
struct HandshakeBase64Tests {
    @Test(
        "RFC 4648 §10 vectors",
        arguments: [
            ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ]
    )
    func encodesAndDecodesRFCVector(plain: String, encoded: String) {
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
        #expect(Base64.decode(encoded) == Array(plain.utf8))
    }

    @Test func roundTripsEveryByteValue() {
        let bytes = (0...255).map { UInt8($0) }
        for length in 0...bytes.count {
            let slice = Array(bytes.prefix(length))
            #expect(Base64.decode(Base64.encode(slice)) == slice)
        }
    }

    @Test func decodesRFC6455SampleKeyToSixteenBytes() {
        #expect(Base64.decode("dGhlIHNhbXBsZSBub25jZQ==") == Array("the sample nonce".utf8))
    }

    @Test(
        "Rejects malformed input",
        arguments: [
            "Zg=",  // length not a multiple of 4
            "Zg",  // missing padding
            "Z===",  // too much padding
            "====",
            "Zg==Zg==",  // padding before the end
            "Zm=v",  // padding in the middle of a group
            "Zm9v\n",  // whitespace
            " Zm9v",
            "Zm9-",  // URL-safe alphabet
            "Zm9_",
            "Zh==",  // non-zero bits after the last byte
            "Zm9=",  // non-zero bits after the last byte
            "Zm\u{e9}v",  // non-ASCII
        ]
    )
    func rejectsMalformedInput(text: String) {
        #expect(Base64.decode(text) == nil)
    }
}
