import Testing
import WebSocketPubSub

/// Generated ids are kept as 128 bits inline; these tests hold them to the rule that identity,
/// hashing and order are those of the exact UTF-8 text, whatever the storage.
@Suite("ConnectionID storage")
struct ConnectionIDTests {
    /// A seeded SplitMix64, so that the ids are the same in every run.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// The base64url text of 128 bits, written the slow, obvious way.
    static func referenceText(_ high: UInt64, _ low: UInt64) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        var bits: [Int] = []
        for word in [high, low] {
            for shift in stride(from: 63, through: 0, by: -1) { bits.append(Int((word >> UInt64(shift)) & 1)) }
        }
        bits += [0, 0, 0, 0]
        return String(
            stride(from: 0, to: 132, by: 6).map { start in
                alphabet[bits[start..<start + 6].reduce(0) { $0 << 1 | $1 }]
            })
    }

    @Test func generatedTextIsTheBase64URLOfTheRandomBits() {
        var generator = Seeded(state: 1)
        var copy = generator
        for _ in 0..<200 {
            let id = ConnectionID.random(using: &generator)
            let high = copy.next()
            let low = copy.next()
            #expect(id.rawValue == Self.referenceText(high, low))
        }
    }

    @Test func theSameTextMadeEitherWayIsOneIdentifier() {
        var generator = Seeded(state: 2)
        for _ in 0..<200 {
            let generated = ConnectionID.random(using: &generator)
            let parsed = ConnectionID(generated.rawValue)
            #expect(parsed == generated)
            #expect(parsed.hashValue == generated.hashValue)
            #expect(Set([parsed, generated]).count == 1)
            #expect(!(parsed < generated) && !(generated < parsed))
        }
    }

    @Test(
        "texts near the generated form stay texts and differ from every generated id",
        arguments: [
            "AAAAAAAAAAAAAAAAAAAAAB",  // last character carries more than two bits
            "AAAAAAAAAAAAAAAAAAAAA",  // 21 characters
            "AAAAAAAAAAAAAAAAAAAAAAA",  // 23 characters
            "AAAAAAAAAAAAAAAAAAAA+A",  // '+' is base64, not base64url
            "AAAAAAAAAAAAAAAAAAAAÄA",
        ]
    )
    func nearMissesAreTexts(text: String) {
        let id = ConnectionID(text)
        #expect(id.rawValue == text)
        #expect(id != ConnectionID("AAAAAAAAAAAAAAAAAAAAAA"))
    }

    @Test func orderIsTheByteOrderOfTheTextAcrossBothStorages() {
        var generator = Seeded(state: 3)
        var ids = (0..<300).map { _ in ConnectionID.random(using: &generator) }
        ids += ["-", "_", "A", "a", "0", "zzzz", "AAAAAAAAAAAAAAAAAAAAAB", "gateway-id-1"].map { ConnectionID($0) }
        for a in ids {
            for b in ids.prefix(40) {
                #expect((a < b) == a.rawValue.utf8.lexicographicallyPrecedes(b.rawValue.utf8))
                #expect((a == b) == a.rawValue.utf8.elementsEqual(b.rawValue.utf8))
            }
        }
    }
}
