/// The report of one conformance check that a store failed.
///
/// Its ``description`` starts with one line that names the check, the likely cause and the section
/// of `Documentation/CustomStores.md` that explains the rule; then at most a few lines of evidence,
/// and for a check driven by a random seed, the seed that replays it:
///
/// ```text
/// SubscriptionStore.identifiersAreComparedExactly: ids are cut at U+0000, as a TEXT column bound as a C string is (see Documentation/CustomStores.md#identifiers-collation-and-size)
///   - subscriptions(of: "own-5"): expected ["nul\u{0}inside"], got ["nul"]
///   - subscribers(of: "nul"): unexpected ["own-5"]
///   - … and 2 more
/// ```
public struct StoreConformanceFailure: Hashable, Sendable, CustomStringConvertible {
    /// The check that failed, for example `SubscriptionStore.subscribeIsIdempotent`.
    public var check: String
    /// The most likely reason, in one line: the mistake that stores failing this way usually make.
    public var likelyCause: String
    /// The section that explains the rule, as `Documentation/CustomStores.md#anchor`.
    public var guide: String
    /// What the store did, and what the contract asks for instead: the first few observations.
    public var evidence: [String]
    /// How many further observations were left out of ``evidence``.
    public var omittedEvidence: Int
    /// The ``StoreConformanceOptions/seed`` the check ran with, when its operations are drawn at
    /// random; pass it back in the options to replay the same operations.
    public var seed: UInt64?

    /// Creates a report.
    public init(
        check: String,
        likelyCause: String,
        guide: String,
        evidence: [String],
        omittedEvidence: Int = 0,
        seed: UInt64? = nil
    ) {
        self.check = check
        self.likelyCause = likelyCause
        self.guide = guide
        self.evidence = evidence
        self.omittedEvidence = omittedEvidence
        self.seed = seed
    }

    public var description: String {
        var lines = ["\(check): \(likelyCause) (see \(guide))"]
        lines += evidence.map { "  - \($0)" }
        if omittedEvidence > 0 { lines.append("  - … and \(omittedEvidence) more") }
        if let seed {
            lines.append("  replay: StoreConformanceOptions(seed: 0x\(String(seed, radix: 16, uppercase: true)))")
        }
        return lines.joined(separator: "\n")
    }
}
