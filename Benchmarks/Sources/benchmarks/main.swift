import Foundation

// Usage: benchmarks [--quick] [FILTER] — runs every case whose name contains FILTER (all when absent).
// --quick takes 3 samples of 10 ms per side instead of 7 of 50 ms: a smoke pass, not a measurement.
var arguments = Array(CommandLine.arguments.dropFirst())
if let quick = arguments.firstIndex(of: "--quick") {
    arguments.remove(at: quick)
    Settings.samples = 3
    Settings.sampleSeconds = 0.01
}
let filter = arguments.first
let cases =
    CodecCases.all + RouteCases.all + PubSubCases.all + SessionCases.all + HistoryCases.all + EndToEnd.all
    + DeflateCases.all
for benchmark in cases where filter.map({ benchmark.name.contains($0) }) ?? true {
    do {
        let result = try await benchmark.measure()
        output(
            ResultLine(
                name: benchmark.name, ours: result.ours, peer: result.peer, unit: benchmark.unit,
                target: result.target ?? benchmark.target, oursAllocations: result.oursAllocations,
                peerAllocations: result.peerAllocations
            ).line)
    } catch {
        note("\(benchmark.name): failed: \(error)")
        output(
            ResultLine(name: benchmark.name, ours: nil, peer: nil, unit: benchmark.unit, target: benchmark.target).line)
    }
}
