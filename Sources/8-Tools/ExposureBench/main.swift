// exposure-bench: benchmarks that print ratios against a peer run in the same script
// (dlib-bin, exiftool). Driven by scripts/bench-*; not part of the product.
//
//   exposure-bench kernels      GFLOPS of the conv kernels vs the machine's FMA peak
//   exposure-bench faces        face engine timings (scripts/bench-faces compares with dlib-bin)
//   exposure-bench make-photos  a synthetic photo folder (scripts/bench-scan compares with exiftool)
//   exposure-bench media        MediaInspector vs exiftool per file
//   exposure-bench cluster      identity clustering of 100k synthetic faces vs the naive peer
//   exposure-bench make-face-photos  the end-to-end scan archive (scripts/bench-e2e)
//   exposure-bench policy-recall     detection policy recall vs full-resolution upsample 1
//   exposure-bench proposal-probe    do low-threshold detections at a reduced scale point at small faces? (no)
//   exposure-bench search-split DIR  the fast search's time per stage on one thread, as a scan worker runs it
//   exposure-bench linkage      re-posted photo recall/precision by threshold, linkage search cost
//   exposure-bench make-scenes N DIR   distinct generated photos (scripts/bench-linkage)
//   exposure-bench linkage-time DB     the linkage step's time on an inventory (scripts/bench-linkage)
//   exposure-bench video             video seconds analysed per wall second at the default sampling, decode vs faces
import Foundation

let benchmarks: [String: ([String]) throws -> Void] = [
    "kernels": KernelBench.run,
    "faces": FaceBench.run,
    "make-photos": PhotoArchiveBench.run,
    "cluster": ClusterBench.run,
    "media": MediaBench.run,
    "make-face-photos": E2EBench.makePhotos,
    "policy-recall": E2EBench.policyRecall,
    "proposal-probe": ProposalProbe.run,
    "search-split": SearchSplit.run,
    "linkage": LinkageBench.run,
    "make-scenes": LinkageBench.makeScenes,
    "linkage-time": LinkageBench.time,
    "video": VideoBench.run,
]

let args = Array(CommandLine.arguments.dropFirst())
guard let name = args.first, let bench = benchmarks[name] else {
    print("usage: exposure-bench <\(benchmarks.keys.sorted().joined(separator: "|"))> [options]")
    exit(2)
}
try bench(Array(args.dropFirst()))
