/// A section of `Documentation/CustomStores.md` that explains a rule; every failure report names one.
struct ConformanceGuide: Hashable, Sendable {
    /// The guide every section belongs to, as a path from the repository's root.
    static let document = "Documentation/CustomStores.md"

    /// The section's GitHub anchor: its title in lower case, spaces as `-`, punctuation dropped.
    let anchor: String

    /// The document and the anchor, as a failure report prints them.
    var reference: String { "\(Self.document)#\(anchor)" }

    static let connectionStore = ConformanceGuide(anchor: "connectionstore")
    static let subscriptionStore = ConformanceGuide(anchor: "subscriptionstore")
    static let indexBothDirections = ConformanceGuide(anchor: "index-both-directions")
    static let atomicLimitCheck = ConformanceGuide(anchor: "the-atomic-limit-check")
    static let identifiers = ConformanceGuide(anchor: "identifiers-collation-and-size")
    static let runningTheSuite = ConformanceGuide(anchor: "running-the-conformance-suite")
    static let historyStore = ConformanceGuide(anchor: "historystore")

    /// Every section a report can name; a test keeps them in step with the document's headings.
    static let all: [ConformanceGuide] = [
        connectionStore, subscriptionStore, indexBothDirections, atomicLimitCheck, identifiers, runningTheSuite,
        historyStore,
    ]
}
