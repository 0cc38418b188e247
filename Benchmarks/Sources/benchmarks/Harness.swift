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
enum Target {
    /// ours/peer must be at least this.
    case ratio(Double)
    /// ours must be at least this, in the case's unit.
    case atLeast(Double)
    /// ours must be at most this, in the case's unit.
    case atMost(Double)
    /// ours at least `value` and ours/peer at least `ratio`.
    case atLeastAndRatio(Double, Double)

    var text: String {
        switch self {
        case .ratio(let r): return "ratio>=\(format(r))"
        case .atLeast(let v): return "ours>=\(format(v))"
        case .atMost(let v): return "ours<=\(format(v))"
        case .atLeastAndRatio(let v, let r): return "ours>=\(format(v)),ratio>=\(format(r))"
        }
    }

    func isMet(ours: Double?, peer: Double?) -> Bool? {
        guard let ours else { return nil }
        let ratio = peer.map { ours / $0 }
        switch self {
        case .ratio(let r): return ratio.map { $0 >= r }
        case .atLeast(let v): return ours >= v
        case .atMost(let v): return ours <= v
        case .atLeastAndRatio(let v, let r): return ratio.map { ours >= v && $0 >= r }
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

    var line: String {
        let ratio: String
        if let ours, let peer, peer > 0 {
            ratio = String(format: "%.2f", ours / peer)
        } else {
            ratio = "-"
        }
        var text = "\(name) ours=\(ours.map(format) ?? "-") peer=\(peer.map(format) ?? "-") unit=\(unit) ratio=\(ratio)"
        if let target {
            let met = target.isMet(ours: ours, peer: peer).map { $0 ? "yes" : "no" } ?? "-"
            text += " target=\(target.text) met=\(met)"
        }
        return text
    }
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

/// Measures both sides of a case and returns their median rates (work units per second).
///
/// Each side is calibrated so that one sample takes about `sampleSeconds` and warmed up with one
/// dropped sample; then the sides' samples alternate (ours, peer, peer, ours, …), so that both see the
/// same background load on a shared machine and the ratio stays fair.
func measurePair(
    samples: Int = 7,
    sampleSeconds: Double = 0.05,
    ours: Workload?,
    peer: Workload?
) async throws -> (ours: Double?, peer: Double?) {
    let sides = [ours, peer]
    var iterations: [Int] = []
    for side in sides {
        guard let side else {
            iterations.append(0)
            continue
        }
        let count = try await calibrate(sampleSeconds: sampleSeconds, side)
        _ = try await side(count)  // warm-up at the final size
        iterations.append(count)
    }
    var rates: [[Double]] = [[], []]
    for round in 0..<samples {
        let order = round % 2 == 0 ? [0, 1] : [1, 0]
        for index in order {
            guard let side = sides[index] else { continue }
            rates[index].append(try await sample(side, iterations: iterations[index]))
        }
    }
    return (ours == nil ? nil : median(rates[0]), peer == nil ? nil : median(rates[1]))
}

/// Measures one side alone; see ``measurePair(samples:sampleSeconds:ours:peer:)``.
func measureRate(samples: Int = 7, sampleSeconds: Double = 0.05, _ body: @escaping Workload) async throws -> Double {
    try await measurePair(samples: samples, sampleSeconds: sampleSeconds, ours: body, peer: nil).ours ?? .nan
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
