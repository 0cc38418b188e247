/// One named behavioural check, run against a fresh store.
struct ConformanceCheck<Store: Sendable>: Sendable {
    let name: String
    /// The usual reason a store fails this check, as the first line of its report says it; a check
    /// may replace it with a sharper diagnosis while it runs (``ConformanceRecorder/suspect(_:)``).
    let likelyCause: String
    /// Where `Documentation/CustomStores.md` explains the rule.
    let guide: ConformanceGuide
    /// Whether the check draws from ``StoreConformanceOptions/seed``, so that its report prints it.
    let seeded: Bool
    let body: @Sendable (ConformanceRecorder, Store, StoreConformanceOptions) async throws -> Void

    init(
        name: String,
        cause likelyCause: String,
        guide: ConformanceGuide,
        seeded: Bool = false,
        body: @escaping @Sendable (ConformanceRecorder, Store, StoreConformanceOptions) async throws -> Void
    ) {
        self.name = name
        self.likelyCause = likelyCause
        self.guide = guide
        self.seeded = seeded
        self.body = body
    }

    /// Runs each check in `checks` whose name is in `names` (all when `nil`), one after another,
    /// each against a store fresh from `makeStore`, and returns one failure per check that failed.
    static func run(
        _ checks: [ConformanceCheck<Store>],
        only names: Set<String>?,
        options: StoreConformanceOptions,
        makeStore: @Sendable () async throws -> Store
    ) async -> [StoreConformanceFailure] {
        var failures: [StoreConformanceFailure] = []
        for check in checks where names?.contains(check.name) ?? true {
            let recorder = ConformanceRecorder(check: check.name)
            do {
                let store = try await makeStore()
                try await check.body(recorder, store, options)
            } catch {
                // A throw ends the check, so it is the cause whatever was recorded before it.
                recorder.suspect("the store threw \(ConformanceRecorder.show(error)); valid calls must not throw")
                recorder.fail("threw \(ConformanceRecorder.show(error))")
            }
            if let failure = recorder.failure(
                likelyCause: check.likelyCause, guide: check.guide, seed: check.seeded ? options.seed : nil)
            {
                failures.append(failure)
            }
        }
        return failures
    }

    /// A failure for each name in `names` that is not a check, so that a misspelt name fails
    /// instead of running nothing and passing.
    static func unknown(_ names: Set<String>?, among known: [String]) -> [StoreConformanceFailure] {
        guard let names else { return [] }
        return names.subtracting(known).sorted().map { name in
            StoreConformanceFailure(
                check: name,
                likelyCause: "no check has this name (a typo, or a check renamed in this version of the kit)",
                guide: ConformanceGuide.runningTheSuite.reference,
                evidence: ["the names are listed by StoreConformance.checkNames"]
            )
        }
    }
}
