// exposure-bench: benchmarks that print ratios against a peer run in the same script
// (dlib-bin, exiftool). Driven by scripts/bench-*; not part of the product.
//
//   exposure-bench kernels      GFLOPS of the conv kernels vs the machine's FMA peak
//   exposure-bench cluster      identity clustering of 100k synthetic faces vs the naive peer
import Foundation

let benchmarks: [String: ([String]) throws -> Void] = [
    "kernels": KernelBench.run,
    "cluster": ClusterBench.run,
]

let args = Array(CommandLine.arguments.dropFirst())
guard let name = args.first, let bench = benchmarks[name] else {
    print("usage: exposure-bench <\(benchmarks.keys.sorted().joined(separator: "|"))> [options]")
    exit(2)
}
try bench(Array(args.dropFirst()))
