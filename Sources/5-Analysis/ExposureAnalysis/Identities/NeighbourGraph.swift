import Foundation

/// An undirected edge between two faces (indices into the descriptor list), `a < b`.
public struct FaceEdge: Hashable, Codable, Sendable {
    public var a: Int32
    public var b: Int32
    public init(a: Int32, b: Int32) { self.a = a; self.b = b }
}

/// dlib's face-verification convention: two descriptors show the same person when
/// their Euclidean distance is below 0.6 (dlib_face_recognition_resnet_model_v1).
public let sameFaceDistance: Float = 0.6

/// The neighbour graph of a set of descriptors: every pair closer than `threshold`.
///
/// Memory is the descriptors plus the edge list: no n x n matrix is ever held.
/// The work (n^2/2 dot products of 128 floats) is split into row blocks run on all
/// cores; each block compares its rows with every later row in column tiles small
/// enough to stay in cache. Results are concatenated in block order, so the edge
/// list is identical on every run and every core count (sorted by (a, b)).
public enum NeighbourGraph {
    /// Descriptor length the kernels are written for (dlib's 128-D embedding).
    public static let dimension = 128
    static let chunks = dimension / 8          // SIMD8 chunks per descriptor
    static let rowBlock = 128                  // rows per parallel task
    static let columnTile = 64                 // 64 x 512 B = 32 KiB: one L1's worth

    /// Naive reference: every pair, distance in Double. O(n^2) time, used by tests
    /// and as the benchmark's peer.
    public static func referenceEdges(_ descriptors: [[Float]], threshold: Float = sameFaceDistance) -> [FaceEdge] {
        var edges: [FaceEdge] = []
        let t = Double(threshold)
        for i in 0..<descriptors.count {
            for j in (i + 1)..<max(i + 1, descriptors.count) {
                if exactSquaredDistance(descriptors[i], descriptors[j]) < t * t {
                    edges.append(FaceEdge(a: Int32(i), b: Int32(j)))
                }
            }
        }
        return edges
    }

    static func exactSquaredDistance(_ x: [Float], _ y: [Float]) -> Double {
        var sum = 0.0
        for k in 0..<min(x.count, y.count) { let d = Double(x[k]) - Double(y[k]); sum += d * d }
        return sum
    }

    /// Fast path: blocked SIMD dot products, d^2 = |x|^2 + |y|^2 - 2 x.y, on all cores.
    /// Pairs whose fast d^2 lies within 1e-3 of the threshold are re-decided with the
    /// reference formula, so the result equals `referenceEdges` exactly.
    /// - Parameter descriptors: n descriptors of `dimension` floats each.
    /// - Parameter threads: worker count (default: active processors).
    public static func edges(_ descriptors: [[Float]], threshold: Float = sameFaceDistance,
                             threads: Int = ProcessInfo.processInfo.activeProcessorCount) -> [FaceEdge] {
        let n = descriptors.count
        guard n > 1 else { return [] }
        for d in descriptors { precondition(d.count == dimension, "NeighbourGraph: descriptor of \(d.count) floats, need \(dimension)") }
        // Packed [n][16] SIMD8 rows: naturally aligned, no per-row array headers in the hot loop.
        var packed = [SIMD8<Float>](repeating: .zero, count: n * chunks)
        var norms = [Float](repeating: 0, count: n)
        for i in 0..<n {
            var acc = SIMD8<Float>.zero
            descriptors[i].withUnsafeBufferPointer { src in
                for c in 0..<chunks {
                    var v = SIMD8<Float>()
                    for l in 0..<8 { v[l] = src[c * 8 + l] }
                    packed[i * chunks + c] = v
                    acc = acc.addingProduct(v, v)
                }
            }
            norms[i] = acc.sum()
        }
        let cut = Cut(fast: threshold * threshold, exact: Double(threshold) * Double(threshold))
        let blocks = (n + rowBlock - 1) / rowBlock
        let results = BlockResults(count: blocks)
        // Blocks near the top have the most work; hand them out first, dynamically.
        let workers = max(1, threads)
        let next = AtomicCounter()
        packed.withUnsafeBufferPointer { rows in
            norms.withUnsafeBufferPointer { norm in
                DispatchQueue.concurrentPerform(iterations: workers) { _ in
                    while true {
                        let block = next.increment()
                        if block >= blocks { break }
                        var out: [FaceEdge] = []
                        scanBlock(block, n: n, rows: rows, norms: norm, cut: cut, into: &out)
                        results.set(block, out)
                    }
                }
            }
        }
        var all: [FaceEdge] = []
        all.reserveCapacity(results.slots.reduce(0) { $0 + $1.count })
        for block in results.slots { all.append(contentsOf: block) }
        return all
    }

    /// Compares rows [block*rowBlock, ...) with every later row. Edges come out sorted by (a, b)
    /// because each row's candidates are collected per row and sorted before appending.
    static func scanBlock(_ block: Int, n: Int, rows: UnsafeBufferPointer<SIMD8<Float>>,
                          norms: UnsafeBufferPointer<Float>, cut: Cut, into out: inout [FaceEdge]) {
        let i0 = block * rowBlock, i1 = min(n, i0 + rowBlock)
        var perRow = [[Int32]](repeating: [], count: i1 - i0)
        let base = rows.baseAddress!
        var j0 = i0
        while j0 < n {
            let j1 = min(n, j0 + columnTile)
            var i = i0
            // 4 x 2 register tile: 8 SIMD8 accumulators + 6 loads per chunk.
            while i < i1 {
                let iCount = min(4, i1 - i)
                var j = max(j0, i + 1)
                if iCount == 4 {
                    // Columns that every one of the 4 rows must see (j > i+3); the
                    // few columns with i < j <= i+3 go through the 1 x 1 path.
                    while j < min(j1, i + 4) {
                        for r in 0..<4 where j > i + r { check(i + r, j, base, norms, cut, &perRow[i + r - i0]) }
                        j += 1
                    }
                    while j + 1 < j1 {
                        let a0 = base + (i) * chunks, a1 = a0 + chunks, a2 = a1 + chunks, a3 = a2 + chunks
                        let b0 = base + j * chunks, b1 = b0 + chunks
                        var s00 = SIMD8<Float>.zero, s01 = SIMD8<Float>.zero
                        var s10 = SIMD8<Float>.zero, s11 = SIMD8<Float>.zero
                        var s20 = SIMD8<Float>.zero, s21 = SIMD8<Float>.zero
                        var s30 = SIMD8<Float>.zero, s31 = SIMD8<Float>.zero
                        for c in 0..<chunks {
                            let x0 = b0[c], x1 = b1[c]
                            let y0 = a0[c], y1 = a1[c], y2 = a2[c], y3 = a3[c]
                            s00 = s00.addingProduct(y0, x0); s01 = s01.addingProduct(y0, x1)
                            s10 = s10.addingProduct(y1, x0); s11 = s11.addingProduct(y1, x1)
                            s20 = s20.addingProduct(y2, x0); s21 = s21.addingProduct(y2, x1)
                            s30 = s30.addingProduct(y3, x0); s31 = s31.addingProduct(y3, x1)
                        }
                        // Column j before j+1 for each row keeps every row's list sorted.
                        decide(i, j, s00.sum(), base, norms, cut, &perRow[i - i0])
                        decide(i, j + 1, s01.sum(), base, norms, cut, &perRow[i - i0])
                        decide(i + 1, j, s10.sum(), base, norms, cut, &perRow[i + 1 - i0])
                        decide(i + 1, j + 1, s11.sum(), base, norms, cut, &perRow[i + 1 - i0])
                        decide(i + 2, j, s20.sum(), base, norms, cut, &perRow[i + 2 - i0])
                        decide(i + 2, j + 1, s21.sum(), base, norms, cut, &perRow[i + 2 - i0])
                        decide(i + 3, j, s30.sum(), base, norms, cut, &perRow[i + 3 - i0])
                        decide(i + 3, j + 1, s31.sum(), base, norms, cut, &perRow[i + 3 - i0])
                        j += 2
                    }
                }
                while j < j1 {
                    for r in 0..<iCount where j > i + r { check(i + r, j, base, norms, cut, &perRow[i + r - i0]) }
                    j += 1
                }
                i += iCount
            }
            j0 = j1
        }
        for r in 0..<perRow.count {
            for b in perRow[r] { out.append(FaceEdge(a: Int32(i0 + r), b: b)) }
        }
    }

    /// The squared threshold for the fast test and for the exact re-decision.
    struct Cut {
        var fast: Float
        var exact: Double
        /// Fast d^2 within this of the threshold is re-decided exactly (Float
        /// cancellation in |x|^2 + |y|^2 - 2x.y is ~1e-6 for unit-scale descriptors).
        var margin: Float = 1e-3
    }

    @inline(__always)
    static func decide(_ a: Int, _ b: Int, _ dot: Float, _ base: UnsafePointer<SIMD8<Float>>,
                       _ norms: UnsafeBufferPointer<Float>, _ cut: Cut, _ list: inout [Int32]) {
        let d2 = norms[a] + norms[b] - 2 * dot
        if d2 < cut.fast - cut.margin { list.append(Int32(b)) }
        else if d2 < cut.fast + cut.margin, exact(a, b, base) < cut.exact { list.append(Int32(b)) }
    }

    @inline(__always)
    static func check(_ a: Int, _ b: Int, _ base: UnsafePointer<SIMD8<Float>>, _ norms: UnsafeBufferPointer<Float>,
                      _ cut: Cut, _ list: inout [Int32]) {
        let pa = base + a * chunks, pb = base + b * chunks
        var s = SIMD8<Float>.zero
        for c in 0..<chunks { s = s.addingProduct(pa[c], pb[c]) }
        decide(a, b, s.sum(), base, norms, cut, &list)
    }

    /// The reference formula on packed rows (Double accumulation of differences).
    static func exact(_ a: Int, _ b: Int, _ base: UnsafePointer<SIMD8<Float>>) -> Double {
        let pa = base + a * chunks, pb = base + b * chunks
        var sum = 0.0
        for c in 0..<chunks {
            let x = pa[c], y = pb[c]
            for l in 0..<8 { let d = Double(x[l]) - Double(y[l]); sum += d * d }
        }
        return sum
    }
}

/// Per-block result slots filled by concurrent workers (each slot written once).
final class BlockResults: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var slots: [[FaceEdge]]
    init(count: Int) { slots = Array(repeating: [], count: count) }
    func set(_ index: Int, _ value: [FaceEdge]) { lock.lock(); slots[index] = value; lock.unlock() }
}

/// A shared work counter for the block queue.
final class AtomicCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int { lock.lock(); defer { lock.unlock() }; let v = value; value += 1; return v }
}
