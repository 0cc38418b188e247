/// One benchmark case: a name, a unit, a target, and the code that measures both sides.
struct Case {
    var name: String
    var unit: String
    var target: Target?
    /// Measures and returns (ours, peer) in `unit`; `nil` for a side that does not exist or cannot run.
    var run: () async throws -> (ours: Double?, peer: Double?)
}
