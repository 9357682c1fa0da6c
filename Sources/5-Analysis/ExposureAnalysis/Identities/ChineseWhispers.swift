import ExposureModel
import Foundation

/// Chinese whispers graph clustering (Biemann 2006), as dlib's `chinese_whispers`
/// uses it for faces: every node starts in its own cluster; repeatedly, a node takes
/// the label most common among its neighbours (itself included, as dlib's face
/// example adds the (i, i) edge). Unweighted edges.
///
/// Deterministic: dlib picks random nodes from a seeded generator; here each pass
/// visits every node once in an order shuffled by a seeded SplitMix64, and the
/// passes stop early when a whole pass changes nothing. Ties between labels go to
/// the smallest label (dlib iterates an ordered map and keeps the first maximum).
public enum ChineseWhispers {
    /// Labels per node (arbitrary integers; use `Identities` for ordered cluster ids).
    /// - Parameters:
    ///   - nodeCount: nodes 0..<nodeCount.
    ///   - edges: undirected edges, each listed once.
    ///   - passes: at most this many passes over all nodes (dlib's default is 100 x n random picks).
    ///   - seed: the shuffle seed.
    public static func labels(nodeCount n: Int, edges: [FaceEdge], passes: Int = 100, seed: UInt64 = 0x5eed) -> [Int] {
        // CSR adjacency: degree count, prefix sum, fill.
        var start = [Int](repeating: 0, count: n + 1)
        for e in edges { start[Int(e.a) + 1] += 1; start[Int(e.b) + 1] += 1 }
        for i in 0..<n { start[i + 1] += start[i] }
        var fill = start
        var neighbours = [Int32](repeating: 0, count: start[n])
        for e in edges {
            neighbours[fill[Int(e.a)]] = e.b; fill[Int(e.a)] += 1
            neighbours[fill[Int(e.b)]] = e.a; fill[Int(e.b)] += 1
        }
        var label = Array(0..<n)
        var votes = [Int](repeating: 0, count: n)     // scratch, indexed by label
        var touched: [Int] = []
        var order = Array(0..<n)
        var rng = SplitMix64(seed: seed)
        for _ in 0..<passes {
            // Fisher-Yates with the seeded generator.
            if n > 1 {
                for i in stride(from: n - 1, to: 0, by: -1) {
                    let j = Int(rng.next() % UInt64(i + 1))
                    order.swapAt(i, j)
                }
            }
            var changed = false
            for node in order where start[node + 1] > start[node] {
                touched.removeAll(keepingCapacity: true)
                let own = label[node]
                votes[own] += 1; touched.append(own)
                for k in start[node]..<start[node + 1] {
                    let l = label[Int(neighbours[k])]
                    if votes[l] == 0 { touched.append(l) }
                    votes[l] += 1
                }
                var best = own, bestVotes = -1
                for l in touched where votes[l] > bestVotes || (votes[l] == bestVotes && l < best) {
                    best = l; bestVotes = votes[l]
                }
                for l in touched { votes[l] = 0 }
                if best != own { label[node] = best; changed = true }
            }
            if !changed { break }
        }
        return label
    }
}

/// Faces grouped into identities with ordered, deterministic ids.
public struct FaceClusters: Codable, Hashable, Sendable {
    /// Identity id of each face (index = face index in the input).
    public var identityOfFace: [Int]
    /// Faces of each identity, ascending; identity 0 is the largest. Ids are ordered by
    /// size descending, then by smallest face index.
    public var members: [[Int]]
    /// Number of neighbour-graph edges (pairs closer than the threshold).
    public var edgeCount: Int

    /// Clusters descriptors: neighbour graph at `threshold`, then Chinese whispers.
    public static func cluster(_ descriptors: [[Float]], threshold: Float = sameFaceDistance,
                               threads: Int = ProcessInfo.processInfo.activeProcessorCount) -> FaceClusters {
        let edges = NeighbourGraph.edges(descriptors, threshold: threshold, threads: threads)
        let labels = ChineseWhispers.labels(nodeCount: descriptors.count, edges: edges)
        return FaceClusters(labels: labels, edgeCount: edges.count)
    }

    /// Orders arbitrary labels into ids: size descending, then smallest member.
    public init(labels: [Int], edgeCount: Int = 0) {
        var groups: [Int: [Int]] = [:]
        for (face, l) in labels.enumerated() { groups[l, default: []].append(face) }
        members = groups.values.sorted { $0.count != $1.count ? $0.count > $1.count : $0[0] < $1[0] }
        identityOfFace = [Int](repeating: -1, count: labels.count)
        for (id, faces) in members.enumerated() { for f in faces { identityOfFace[f] = id } }
        self.edgeCount = edgeCount
    }
}
