import Foundation

// Usage: benchmarks [FILTER] — runs every case whose name contains FILTER (all when absent).
let filter = CommandLine.arguments.dropFirst().first
let cases = CodecCases.all + RouteCases.all + PubSubCases.all + EndToEnd.all + DeflateCases.all
for benchmark in cases where filter.map({ benchmark.name.contains($0) }) ?? true {
    do {
        let (ours, peer) = try await benchmark.run()
        output(
            ResultLine(name: benchmark.name, ours: ours, peer: peer, unit: benchmark.unit, target: benchmark.target)
                .line)
    } catch {
        note("\(benchmark.name): failed: \(error)")
        output(
            ResultLine(name: benchmark.name, ours: nil, peer: nil, unit: benchmark.unit, target: benchmark.target).line)
    }
}
