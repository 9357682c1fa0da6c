import Foundation
import ExposureAnalysis
#if canImport(Glibc)
import Glibc
import ExposureModel
#endif

/// exposure-bench cluster: identity clustering at scale.
///
/// Synthetic data with known truth: `identities` centres (Gaussian, per-dimension sigma
/// 1/16, so centres lie ~1.0 apart like different people in dlib's space), `perIdentity`
/// faces each, every face the centre plus Gaussian noise of a per-face sigma drawn in
/// [0.020, 0.040] (faces of one person ~0.3-0.6 apart, a few pairs beyond 0.6: recall is
/// not free). Reports time, peak RSS (getrusage ru_maxrss) and pairwise precision/recall.
///
/// Peer: on a subsample, the naive reference neighbour graph (one thread, Double) against
/// the blocked SIMD kernel on 1 and on all threads, same process, medians of `runs`.
///
///   exposure-bench cluster [--identities 5000] [--per-identity 20] [--peer-faces 3000] [--runs 3] [--seed 1]
enum ClusterBench {
    static func run(_ args: [String]) throws {
        func option(_ name: String, _ fallback: Int) -> Int {
            guard let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]) else { return fallback }
            return v
        }
        let identities = option("--identities", 5000), perIdentity = option("--per-identity", 20)
        let peerFaces = option("--peer-faces", 3000), runs = max(1, option("--runs", 3))
        let seed = UInt64(option("--seed", 1))
        let threads = ProcessInfo.processInfo.activeProcessorCount

        var t0 = Date()
        let (faces, truth) = synthesize(identities: identities, perIdentity: perIdentity, seed: seed)
        print("cluster: \(faces.count) faces of \(identities) identities, synthesized in \(fmt(Date().timeIntervalSince(t0))) s; \(threads) threads")
        let rssBefore = peakRSSMiB()

        // The peer comparison first, on a prefix (faces are shuffled, so the prefix is a sample).
        let sample = Array(faces.prefix(peerFaces))
        // Wall and CPU seconds: on a shared machine the CPU time is the steadier measure.
        var reference: [Double] = [], fast1: [Double] = [], fastN: [Double] = []
        var referenceCPU: [Double] = [], fast1CPU: [Double] = [], fastNCPU: [Double] = []
        var referenceEdges: [FaceEdge] = []
        for _ in 0..<runs {
            var c0 = cpuSeconds()
            t0 = Date(); referenceEdges = NeighbourGraph.referenceEdges(sample); reference.append(Date().timeIntervalSince(t0))
            referenceCPU.append(cpuSeconds() - c0); c0 = cpuSeconds()
            t0 = Date(); let e1 = NeighbourGraph.edges(sample, threads: 1); fast1.append(Date().timeIntervalSince(t0))
            fast1CPU.append(cpuSeconds() - c0); c0 = cpuSeconds()
            t0 = Date(); let eN = NeighbourGraph.edges(sample, threads: threads); fastN.append(Date().timeIntervalSince(t0))
            fastNCPU.append(cpuSeconds() - c0)
            precondition(e1 == referenceEdges && eN == referenceEdges, "fast neighbour graph differs from the reference")
        }
        let pairs = Double(sample.count) * Double(sample.count - 1) / 2
        print("peer (\(sample.count) faces, \(Int(pairs)) pairs, \(referenceEdges.count) edges, median of \(runs)):")
        print("  reference (naive, 1 thread, Double): wall \(fmt(median(reference))) s, CPU \(fmt(median(referenceCPU))) s")
        print("  blocked SIMD, 1 thread:              wall \(fmt(median(fast1))) s, CPU \(fmt(median(fast1CPU))) s"
              + "  (\(fmt(median(reference) / median(fast1)))x reference by wall, \(fmt(median(referenceCPU) / median(fast1CPU)))x by CPU)")
        print("  blocked SIMD, \(threads) threads:             wall \(fmt(median(fastN))) s, CPU \(fmt(median(fastNCPU))) s"
              + "  (\(fmt(median(reference) / median(fastN)))x reference, \(fmt(median(fast1) / median(fastN)))x 1 thread, by wall)")
        print("  kernel throughput: \(fmt(pairs * 256 / median(fast1CPU) / 1e9)) GFLOP per CPU-second (dot products only)")

        // The full run.
        t0 = Date()
        var c0 = cpuSeconds()
        let edges = NeighbourGraph.edges(faces, threads: threads)
        let graphTime = Date().timeIntervalSince(t0), graphCPU = cpuSeconds() - c0
        t0 = Date(); c0 = cpuSeconds()
        let labels = ChineseWhispers.labels(nodeCount: faces.count, edges: edges)
        let clusters = FaceClusters(labels: labels, edgeCount: edges.count)
        let whispersTime = Date().timeIntervalSince(t0), whispersCPU = cpuSeconds() - c0
        let (precision, recall) = pairwiseScores(predicted: clusters.identityOfFace, truth: truth)
        let singletons = clusters.members.filter { $0.count == 1 }.count
        print("full run (\(faces.count) faces):")
        print("  neighbour graph: wall \(fmt(graphTime)) s, CPU \(fmt(graphCPU)) s, \(edges.count) edges (\(fmt(Double(edges.count * MemoryLayout<FaceEdge>.stride) / 1048576)) MiB)")
        print("  chinese whispers: wall \(fmt(whispersTime)) s, CPU \(fmt(whispersCPU)) s")
        print("  total: wall \(fmt(graphTime + whispersTime)) s, CPU \(fmt(graphCPU + whispersCPU)) s")
        print("  identities found: \(clusters.members.count) (truth \(identities)), singletons \(singletons), largest \(clusters.members.first?.count ?? 0)")
        print("  pairwise precision \(String(format: "%.5f", precision)), recall \(String(format: "%.5f", recall))")
        let descriptorMiB = Double(faces.count * 128 * 4) / 1048576
        let nSquaredMiB = Double(faces.count) * Double(faces.count) * 4 / 1048576
        print("  peak RSS: \(fmt(peakRSSMiB())) MiB (before clustering \(fmt(rssBefore)) MiB; descriptors \(fmt(descriptorMiB)) MiB; an n x n Float matrix would be \(fmt(nSquaredMiB)) MiB)")
    }

    static func synthesize(identities: Int, perIdentity: Int, seed: UInt64) -> ([[Float]], [Int]) {
        var rng = SplitMix64(seed: seed)
        func gaussian() -> Double {
            let u1 = (Double(rng.next() >> 11) + 1) / Double(1 << 53), u2 = Double(rng.next() >> 11) / Double(1 << 53)
            return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
        }
        var faces: [[Float]] = []
        var truth: [Int] = []
        faces.reserveCapacity(identities * perIdentity)
        for id in 0..<identities {
            let centre = (0..<128).map { _ in gaussian() / 16 }
            for _ in 0..<perIdentity {
                let sigma = 0.020 + 0.020 * Double(rng.next() % 1000) / 1000
                faces.append(centre.map { Float($0 + gaussian() * sigma) })
                truth.append(id)
            }
        }
        var order = Array(faces.indices)
        order.shuffle(using: &rng)
        return (order.map { faces[$0] }, order.map { truth[$0] })
    }

    /// Pairwise precision and recall from the contingency table (no pair enumeration).
    static func pairwiseScores(predicted: [Int], truth: [Int]) -> (Double, Double) {
        func pairs(_ n: Int) -> Double { Double(n) * Double(n - 1) / 2 }
        var cell: [Int: Int] = [:], byPredicted: [Int: Int] = [:], byTruth: [Int: Int] = [:]
        for (p, t) in zip(predicted, truth) {
            cell[p &* 1_000_003 &+ t, default: 0] += 1
            byPredicted[p, default: 0] += 1; byTruth[t, default: 0] += 1
        }
        let together = cell.values.reduce(0) { $0 + pairs($1) }
        let predictedPairs = byPredicted.values.reduce(0) { $0 + pairs($1) }
        let truePairs = byTruth.values.reduce(0) { $0 + pairs($1) }
        return (predictedPairs > 0 ? together / predictedPairs : 1, truePairs > 0 ? together / truePairs : 1)
    }

    static func peakRSSMiB() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024   // Linux: kilobytes
        #else
        getrusage(RUSAGE_SELF, &usage)
        return Double(usage.ru_maxrss) / 1048576   // macOS: bytes
        #endif
    }

    /// User + system CPU seconds of the whole process (all threads).
    static func cpuSeconds() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return s(usage.ru_utime) + s(usage.ru_stime)
    }

    static func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2 }
    static func fmt(_ x: Double) -> String { String(format: x < 10 ? "%.3f" : "%.1f", x) }
}
