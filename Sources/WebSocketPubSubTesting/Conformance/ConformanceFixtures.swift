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
