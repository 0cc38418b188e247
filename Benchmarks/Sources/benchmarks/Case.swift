/// One benchmark case: a name, a unit, a target, and the code that measures both sides.
struct Case {
    var name: String
    var unit: String
    var target: Target?
    /// Measures both sides; a side that does not exist or cannot run is `nil`.
    var measure: () async throws -> Measured

    init(name: String, unit: String, target: Target?, measure: @escaping () async throws -> Measured) {
        self.name = name
        self.unit = unit
        self.target = target
        self.measure = measure
    }

    /// A case that reports rates only (no allocation counts).
    init(name: String, unit: String, target: Target?, run: @escaping () async throws -> (ours: Double?, peer: Double?))
    {
        self.init(name: name, unit: unit, target: target) {
            let (ours, peer) = try await run()
            return Measured(ours: ours, peer: peer)
        }
    }
}

/// What a case measured: both sides' rates, their heap allocations per operation, and a target that
/// depends on something measured alongside (the `memcpy` rate a decoder must stay close to).
struct Measured {
    var ours: Double?
    var peer: Double?
    var oursAllocations: Double? = nil
    var peerAllocations: Double? = nil
    var target: Target? = nil
}

/// One side of a case: `body(iterations)` does `iterations` rounds of the work and returns the work
/// done in the case's unit; one round is `operations` operations, the unit of allocation counts.
struct Side {
    var operations: Double
    var body: Workload

    init(operations: Double = 1, _ body: @escaping Workload) {
        self.operations = operations
        self.body = body
    }
}
