/// One named behavioural check, run against a fresh store.
struct ConformanceCheck<Store: Sendable>: Sendable {
    let name: String
    let body: @Sendable (ConformanceRecorder, Store, StoreConformanceOptions) async throws -> Void

    /// Runs each check in `checks` whose name is in `names` (all when `nil`), one after another,
    /// each against a store fresh from `makeStore`, and collects their failures.
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
                recorder.fail("threw \(String(describing: error))")
            }
            failures += recorder.failures
        }
        return failures
    }
}
