import Foundation
import WebSocketPubSub

/// Values the checks share.
///
/// Dates are whole seconds so that a store keeping millisecond (or second) precision round-trips
/// them exactly.
enum ConformanceFixtures {
    static let epoch = Date(timeIntervalSince1970: 1_700_000_000)

    static func date(_ offsetSeconds: Int) -> Date {
        epoch.addingTimeInterval(TimeInterval(offsetSeconds))
    }

    static func connection(_ text: String) -> ConnectionID {
        ConnectionID(text)
    }

    /// Throws rather than traps if a check ever builds an invalid identifier: the failure is then
    /// reported against that check instead of crashing the user's test run.
    static func entity(_ text: String) throws -> EntityID {
        try EntityID(validating: text)
    }

    /// Identifiers that catch stores which fold case, normalize, trim, truncate or mis-escape.
    static let awkwardEntityTexts: [String] = [
        "game-42",
        "Game-42",
        "GAME-42",
        "ゲーム/42",
        "🎲🎯",
        "naïve café",
        "with space",
        " leading-space",
        "trailing-space ",
        "quote\"and'apostrophe",
        "back\\slash",
        "percent%_underscore",
        "semi;colon--dash",
        "tab\tnewline\n",
        "{\"json\":true}",
        String(repeating: "a", count: EntityID.maximumUTF8Length),
        String(repeating: "a", count: EntityID.maximumUTF8Length - 1) + "b",
        String(repeating: "a", count: EntityID.maximumUTF8Length - 1),
        String(repeating: "é", count: EntityID.maximumUTF8Length / 2),
        String(repeating: "x", count: EntityID.maximumUTF8Length - 4) + "🎲",
        // The longest ids allowed, 1,024 bytes of 3- and 4-byte characters: a column sized in
        // characters, or a byte limit applied to a character count, cuts them.
        String(repeating: "ゲ", count: 341) + "a",
        String(repeating: "🎲", count: EntityID.maximumUTF8Length / 4),
        // One word spelt two ways: precomposed é (U+00E9) and e + U+0301. Swift's `String` `==` and
        // Unicode normalization make them one id; bytes keep them two.
        "caf\u{E9}",
        "cafe\u{301}",
        // Å as U+00C5 and as the Angstrom sign U+212B, which normalizes to it.
        "\u{C5}ngstr\u{F6}m",
        "\u{212B}ngstr\u{F6}m",
    ]

    /// Entity ids holding U+0000, and `nul`, the id a store that cuts at U+0000 makes of the first
    /// ones. Kept apart from ``awkwardEntityTexts``: a store may refuse these (PostgreSQL `text` cannot
    /// hold U+0000) but must never alter them.
    static let entityTextsWithNUL: [String] = [
        "nul\u{0}inside",
        "nul\u{0}other",
        "nul\u{0}",
        "\u{0}",
        "\u{0}" + String(repeating: "é", count: (EntityID.maximumUTF8Length - 2) / 2) + "a",
    ]

    /// Connection ids holding U+0000; `nul` is their truncated form (see ``entityTextsWithNUL``).
    static let connectionTextsWithNUL: [String] = [
        "nul\u{0}inside",
        "nul\u{0}other",
        "nul\u{0}",
    ]

    /// Connection identifiers of the shapes hosts and gateways produce, plus case variants.
    static let awkwardConnectionTexts: [String] = [
        "L0SM9cOFvHcCIhw=",
        "l0sm9cofvhccihw=",
        "a+b/c==",
        "0123456789abcdef0123456789abcdef",
        "接続-1",
        "with space",
        "quote\"back\\slash",
        String(repeating: "c", count: 200),
        // As long as the longest entity id, in 3-byte characters: gateways' ids are short, but a
        // host may supply its own.
        String(repeating: "接", count: 341) + "c",
        "caf\u{E9}-1",
        "cafe\u{301}-1",
        "\u{C5}-1",
        "\u{212B}-1",
    ]
}

/// SplitMix64: a tiny, seedable generator so that random checks repeat exactly.
struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
