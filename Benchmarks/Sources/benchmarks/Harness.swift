import CAllocationCounter
import Foundation

/// Keeps a value alive as far as the optimizer can tell, so the work that produced it cannot be deleted.
@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}

/// Wall-clock seconds from a monotonic clock.
func now() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// What a case compares against, printed beside its result (never asserted).
indirect enum Target {
    /// ours/peer must be at least this.
    case ratio(Double)
    /// ours must be at least this, in the case's unit.
    case atLeast(Double)
    /// ours must be at most this, in the case's unit.
    case atMost(Double)
    /// ours at least `value` and ours/peer at least `ratio`.
    case atLeastAndRatio(Double, Double)
    /// our heap allocations per operation at most this.
    case allocationsAtMost(Double)
    /// every one of these.
    case all([Target])

    var text: String {
        switch self {
        case .ratio(let r): return "ratio>=\(format(r))"
        case .atLeast(let v): return "ours>=\(format(v))"
        case .atMost(let v): return "ours<=\(format(v))"
        case .atLeastAndRatio(let v, let r): return "ours>=\(format(v)),ratio>=\(format(r))"
        case .allocationsAtMost(let v): return "allocs<=\(formatCount(v))"
        case .all(let targets): return targets.map(\.text).joined(separator: ",")
        }
    }

    func isMet(ours: Double?, peer: Double?, oursAllocations: Double?) -> Bool? {
        guard let ours else { return nil }
        let ratio = peer.map { ours / $0 }
        switch self {
        case .ratio(let r): return ratio.map { $0 >= r }
        case .atLeast(let v): return ours >= v
        case .atMost(let v): return ours <= v
        case .atLeastAndRatio(let v, let r): return ratio.map { ours >= v && $0 >= r }
        case .allocationsAtMost(let v): return oursAllocations.map { $0 <= v + 0.0005 }
        case .all(let targets):
            let results = targets.map { $0.isMet(ours: ours, peer: peer, oursAllocations: oursAllocations) }
            if results.contains(false) { return false }
            return results.contains(nil) ? nil : true
        }
    }
}

/// One printed result line.
struct ResultLine {
    var name: String
    var ours: Double?
    var peer: Double?
    var unit: String
    var target: Target?
    var oursAllocations: Double? = nil
    var peerAllocations: Double? = nil

    var line: String {
        let ratio: String
        if let ours, let peer, peer > 0 {
            ratio = String(format: "%.2f", ours / peer)
        } else {
            ratio = "-"
        }
        var text = "\(name) ours=\(ours.map(format) ?? "-") peer=\(peer.map(format) ?? "-") unit=\(unit) ratio=\(ratio)"
        if oursAllocations != nil || peerAllocations != nil {
            text += " allocs/op=\(oursAllocations.map(formatCount) ?? "-")/\(peerAllocations.map(formatCount) ?? "-")"
        }
        if let target {
            let met =
                target.isMet(ours: ours, peer: peer, oursAllocations: oursAllocations).map { $0 ? "yes" : "no" } ?? "-"
            text += " target=\(target.text) met=\(met)"
        }
        return text
    }
}

/// An allocation count per operation: whole numbers as such, fractions to three places.
func formatCount(_ value: Double) -> String {
    if abs(value - value.rounded()) < 0.0005 { return String(format: "%.0f", value) }
    return String(format: "%.3f", value)
}

func format(_ value: Double) -> String {
    if value >= 100 || value == value.rounded() && abs(value) < 1e15 {
        return String(format: "%.0f", value)
    }
    if value >= 1 { return String(format: "%.2f", value) }
    return String(format: "%.3f", value)
}

/// The work of one side of a case: `body(iterations)` does `iterations` rounds of the work and returns
/// the work done (bytes or operations).
typealias Workload = (Int) async throws -> Double

/// The number of iterations that makes one sample of `body` take about `sampleSeconds`.
func calibrate(sampleSeconds: Double, _ body: Workload) async throws -> Int {
    var iterations = 1
    while true {
        let start = now()
        _ = try await body(iterations)
        let elapsed = now() - start
        if elapsed >= sampleSeconds / 4 || iterations >= 1 << 30 {
            let scale = max(1.0, sampleSeconds / max(elapsed, 1e-9))
            return max(1, Int(Double(iterations) * scale))
        }
        iterations *= elapsed < sampleSeconds / 64 ? 8 : 2
    }
}

/// One timed sample: work per second.
func sample(_ body: Workload, iterations: Int) async throws -> Double {
    let start = now()
    let work = try await body(iterations)
    let elapsed = now() - start
    return work / max(elapsed, 1e-12)
}

/// Measures both sides of a case and returns their median rates (work units per second) and their
/// heap allocations per operation.
///
/// Each side is calibrated so that one sample takes about `sampleSeconds` and warmed up with one
/// dropped sample; then the sides' samples alternate (ours, peer, peer, ours, …), so that both see the
/// same background load on a shared machine and the ratio stays fair. Allocations are counted over
/// the timed samples by the malloc wrappers of `CAllocationCounter`, process-wide.
func measure(
    samples: Int = Settings.samples,
    sampleSeconds: Double = Settings.sampleSeconds,
    ours: Side?,
    peer: Side?
) async throws -> Measured {
    let sides = [ours, peer]
    var iterations: [Int] = []
    for side in sides {
        guard let side else {
            iterations.append(0)
            continue
        }
        let count = try await calibrate(sampleSeconds: sampleSeconds, side.body)
        _ = try await side.body(count)  // warm-up at the final size
        iterations.append(count)
    }
    var rates: [[Double]] = [[], []]
    var allocations: [UInt64] = [0, 0]
    for round in 0..<samples {
        let order = round % 2 == 0 ? [0, 1] : [1, 0]
        for index in order {
            guard let side = sides[index] else { continue }
            let before = allocation_count()
            rates[index].append(try await sample(side.body, iterations: iterations[index]))
            allocations[index] &+= allocation_count() &- before
        }
    }
    func perOperation(_ index: Int) -> Double? {
        guard let side = sides[index], allocation_counting_available() != 0 else { return nil }
        return Double(allocations[index]) / (Double(iterations[index] * samples) * side.operations)
    }
    return Measured(
        ours: ours == nil ? nil : median(rates[0]),
        peer: peer == nil ? nil : median(rates[1]),
        oursAllocations: perOperation(0),
        peerAllocations: perOperation(1)
    )
}

/// Measures both sides of a case and returns their median rates; see ``measure(samples:sampleSeconds:ours:peer:)``.
func measurePair(
    samples: Int = Settings.samples,
    sampleSeconds: Double = Settings.sampleSeconds,
    ours: Workload?,
    peer: Workload?
) async throws -> (ours: Double?, peer: Double?) {
    let result = try await measure(
        samples: samples, sampleSeconds: sampleSeconds, ours: ours.map { Side($0) }, peer: peer.map { Side($0) })
    return (result.ours, result.peer)
}

/// Measures one side alone; see ``measure(samples:sampleSeconds:ours:peer:)``.
func measureRate(
    samples: Int = Settings.samples,
    sampleSeconds: Double = Settings.sampleSeconds,
    _ body: @escaping Workload
) async throws -> Double {
    try await measurePair(samples: samples, sampleSeconds: sampleSeconds, ours: body, peer: nil).ours ?? .nan
}

/// Run-wide settings: `--quick` takes 3 samples of 10 ms, for a smoke pass in CI.
enum Settings {
    // `nonisolated(unsafe)`: written only by main.swift while reading its arguments, before the
    // first case runs and before any task exists; read-only afterwards.
    nonisolated(unsafe) static var samples = 7
    nonisolated(unsafe) static var sampleSeconds = 0.05
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// Prints a note to standard error (results go to standard output).
func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Bytes to megabytes (10^6).
let megabyte = 1e6

/// Prints a result line to standard output at once (not held in a pipe's buffer).
func output(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
