// The same photo among different files: perceptual fingerprints (MediaMetadata.PerceptualHash)
// that agree.
//
// Two stages. Candidates: picture p's whole-picture hash within `hashThreshold` bits of q's
// whole hash or of one of q's window hashes (p is q cropped), or the other way round. Then the
// confirmation, which the hashes alone cannot give (among thousands of photos some unrelated
// pairs agree in 10 of 64 bits): both luma grids are resampled to 16x16 over the matched
// window, the window nudged by up to 4% in place and size, and the best correlation
// (Pearson, so brightness, contrast and mild colour filters do not count) must reach
// `correlationThreshold`.
//
// Candidate search: multi-index hashing (Norouzi, Punjani, Fleet, CVPR 2012). Every hash is
// split into four 16-bit chunks; two hashes within T bits agree to within floor(T / 4) bits in
// at least one chunk (pigeonhole), so each whole hash probes, per chunk, the buckets of every
// value within that radius instead of comparing with every picture.
import ExposureModel
import Foundation

public enum NearDuplicates {
    /// Bits a whole hash may differ from the other picture's matched hash by, to be a candidate.
    /// Both thresholds measured by `exposure-bench linkage` (README, "Re-posted photos") on
    /// generated photos and their re-posted variants (resized 0.25-1x, cropped up to 15% of each
    /// side, a colour filter, JPEG quality 50-95).
    public static let hashThreshold = 10
    /// Correlation of the aligned 16x16 luma grids a candidate needs to be the same photo.
    public static let correlationThreshold = 0.85

    public struct Pair: Hashable, Comparable, Sendable {
        public var first: Int, second: Int
        public init(_ first: Int, _ second: Int) { self.first = first; self.second = second }
        public static func < (a: Pair, b: Pair) -> Bool { (a.first, a.second) < (b.first, b.second) }
    }

    /// Pairs (p, q), p < q, of pictures that are the same photo, sorted. A nil fingerprint is a
    /// picture without one. `veto` can refuse a confirmed pair (the scan's: both have faces and
    /// no two of them are the same person).
    public static func pairs(_ prints: [PerceptualFingerprint?], hashThreshold: Int = hashThreshold,
                             correlationThreshold: Double = correlationThreshold,
                             veto: ((Int, Int) -> Bool)? = nil) -> [Pair] {
        var wholes: [Int: [Double]?] = [:]   // each picture's normalized whole grid, sampled once
        func whole(_ p: Int) -> [Double]? {
            if let known = wholes[p] { return known }
            let w = prints[p].flatMap { features(sample($0.grid, .whole)) }
            wholes[p] = .some(w)
            return w
        }
        return candidates(prints, hashThreshold: hashThreshold).filter { pair in
            guard let a = prints[pair.first], let b = prints[pair.second] else { return false }
            let r = max(bestAlignment(of: a, whole: whole(pair.first), within: b),
                        bestAlignment(of: b, whole: whole(pair.second), within: a))
            return r >= correlationThreshold && veto?(pair.first, pair.second) != true
        }
    }

    /// Candidate pairs by the hashes alone, with the multi-index search; `keep` (when given) decides
    /// which pairs are worth having at all (the linkage keeps pairs of different accounts only).
    public static func candidates(_ prints: [PerceptualFingerprint?], hashThreshold: Int = hashThreshold,
                                  keep: ((Int, Int) -> Bool)? = nil) -> [Pair] {
        let hashes = prints.map { $0?.hashes ?? [] }
        let index = ChunkIndex(hashes)
        let masks = ChunkIndex.masks(upToBits: hashThreshold / 4)
        var found = Set<Pair>()
        for (p, own) in hashes.enumerated() {
            guard let whole = own.first else { continue }
            index.forEachEntry(near: whole, masks: masks) { q, hash in
                guard q != p, bits(whole, hash) <= hashThreshold, keep?(p, q) != false else { return }
                found.insert(Pair(min(p, q), max(p, q)))
            }
        }
        return found.sorted()
    }

    /// Whether two fingerprints are the same photo by the grids (the confirmation of a candidate).
    public static func confirms(_ a: PerceptualFingerprint, _ b: PerceptualFingerprint) -> Bool {
        correlation(a, b) >= correlationThreshold
    }

    /// The same candidates by comparing every picture with every other: the reference
    /// `candidates` is tested against.
    public static func candidatesReference(_ prints: [PerceptualFingerprint?], hashThreshold: Int = hashThreshold) -> [Pair] {
        var out: [Pair] = []
        for p in prints.indices {
            for q in prints.indices where q > p {
                if let d = hashDistance(prints[p], prints[q]), d <= hashThreshold { out.append(Pair(p, q)) }
            }
        }
        return out
    }

    /// The smallest distance between one's whole hash and the other's hashes (either way round).
    public static func hashDistance(_ a: PerceptualFingerprint?, _ b: PerceptualFingerprint?) -> Int? {
        guard let a, let b, let wa = a.hashes.first, let wb = b.hashes.first else { return nil }
        return min(b.hashes.map { bits(wa, $0) }.min()!, a.hashes.map { bits(wb, $0) }.min()!)
    }

    /// How alike two pictures look at their best alignment: the highest correlation (`features`:
    /// luma and edges) of the 16x16 resampled grids, one picture whole, the other over each window within 4% (in place and
    /// size) of one of its hashed windows, both ways round. -1 when a grid is flat.
    public static func correlation(_ a: PerceptualFingerprint, _ b: PerceptualFingerprint) -> Double {
        max(bestAlignment(of: a, whole: features(sample(a.grid, .whole)), within: b),
            bestAlignment(of: b, whole: features(sample(b.grid, .whole)), within: a))
    }

    /// The best correlation of `picture` whole with `other` over the windows whose hash is
    /// within `hashThreshold` of the picture's whole hash (where the picture may sit in the
    /// other): each such window as hashed, then the best one refined, unless it already decides
    /// (at or above `correlationThreshold`, or more than 0.15 below it).
    static func bestAlignment(of picture: PerceptualFingerprint, whole: [Double]?, within other: PerceptualFingerprint) -> Double {
        guard let whole, let ownHash = picture.hashes.first else { return -1 }
        func score(_ window: PerceptualFingerprint.Window) -> Double {
            guard let candidate = features(sample(other.grid, window)) else { return -1 }
            var sum = 0.0
            for i in whole.indices { sum += whole[i] * candidate[i] }
            return sum / Double(whole.count)
        }
        var best = -1.0, bestWindow = PerceptualFingerprint.Window.whole
        for slot in other.hashes.indices where slot < PerceptualFingerprint.windows.count
            && bits(ownHash, other.hashes[slot]) <= hashThreshold {
            let r = score(PerceptualFingerprint.windows[slot])
            if r > best { best = r; bestWindow = PerceptualFingerprint.windows[slot] }
        }
        guard best < correlationThreshold, best > correlationThreshold - 0.15 else { return best }
        // Refine: a crop keeps its own fraction of the width and of the height, and sits anywhere,
        // so move each edge of the window (place, width, height) while the score improves, in
        // steps of 2% and then 1% of the side.
        var w = bestWindow
        for step in [0.02, 0.01] {
            var improved = true, rounds = 0
            while improved && rounds < 12 {
                improved = false; rounds += 1
                let moves: [(Double, Double, Double, Double)] = [
                    (step, 0, 0, 0), (-step, 0, 0, 0), (0, step, 0, 0), (0, -step, 0, 0),
                    (0, 0, step, 0), (0, 0, -step, 0), (0, 0, 0, step), (0, 0, 0, -step)]
                for (dx, dy, dw, dh) in moves {
                    let width = max(0.5, min(1, w.width + dw)), height = max(0.5, min(1, w.height + dh))
                    let x = max(0, min(1 - width, w.x + dx - dw / 2)), y = max(0, min(1 - height, w.y + dy - dh / 2))
                    let moved = PerceptualFingerprint.Window(x: x, y: y, width: width, height: height)
                    let r = score(moved)
                    if r > best + 1e-9 { best = r; w = moved; improved = true }
                }
            }
        }
        return best
    }

    nonisolated(unsafe) public static var compared = 16

    /// The grid resampled bilinearly at the centres of a 16x16 lattice over `window`.
    static func sample(_ grid: [UInt8], _ window: PerceptualFingerprint.Window) -> [Double] {
        let side = PerceptualFingerprint.gridSide, n = compared
        var out = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            let gy = max(0, min(Double(side - 1), (window.y + window.height * (Double(j) + 0.5) / Double(n)) * Double(side) - 0.5))
            let y0 = Int(gy), y1 = min(side - 1, y0 + 1), fy = gy - Double(y0)
            for i in 0..<n {
                let gx = max(0, min(Double(side - 1), (window.x + window.width * (Double(i) + 0.5) / Double(n)) * Double(side) - 0.5))
                let x0 = Int(gx), x1 = min(side - 1, x0 + 1), fx = gx - Double(x0)
                let top = Double(grid[y0 * side + x0]) * (1 - fx) + Double(grid[y0 * side + x1]) * fx
                let bottom = Double(grid[y1 * side + x0]) * (1 - fx) + Double(grid[y1 * side + x1]) * fx
                out[j * n + i] = top * (1 - fy) + bottom * fy
            }
        }
        return out
    }

    /// What is correlated: the 16x16 luma and its differences between neighbours (horizontal, then
    /// vertical), each normalized, so the score is the mean of the two correlations. The luma
    /// alone lets two different photos of similar layout (a sky above, a wall below) score high;
    /// their edges do not line up.
    static func features(_ v: [Double]) -> [Double]? {
        let n = compared
        var differences: [Double] = []
        differences.reserveCapacity(2 * n * (n - 1))
        for y in 0..<n { for x in 0..<(n - 1) { differences.append(v[y * n + x + 1] - v[y * n + x]) } }
        for y in 0..<(n - 1) { for x in 0..<n { differences.append(v[(y + 1) * n + x] - v[y * n + x]) } }
        guard let luma = normalized(v), let edges = normalized(differences) else { return nil }
        // Weighted so that each half counts equally in the mean of products.
        let wl = (Double(luma.count + edges.count) / Double(2 * luma.count)).squareRoot()
        let we = (Double(luma.count + edges.count) / Double(2 * edges.count)).squareRoot()
        return luma.map { $0 * wl } + edges.map { $0 * we }
    }

    /// Zero mean, unit variance; nil when flat.
    static func normalized(_ v: [Double]) -> [Double]? {
        let mean = v.reduce(0, +) / Double(v.count)
        let sd = (v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count)).squareRoot()
        guard sd > 0.5 else { return nil }
        return v.map { ($0 - mean) / sd }
    }

    @inline(__always)
    static func bits(_ a: UInt64, _ b: UInt64) -> Int { (a ^ b).nonzeroBitCount }
}

/// Every hash of every picture, bucketed by each of its four 16-bit chunks (compressed rows:
/// `starts[chunk][value] ..< starts[chunk][value + 1]` index `entries[chunk]`). An entry holds
/// its hash, so that a probe reads one contiguous run of memory.
struct ChunkIndex {
    struct Entry { var hash: UInt64; var picture: Int32 }
    private var starts: [[Int32]] = []
    private var entries: [[Entry]] = []

    init(_ hashes: [[UInt64]]) {
        for chunk in 0..<4 {
            var counts = [Int32](repeating: 0, count: 65_537)
            for own in hashes { for h in own { counts[Int((h >> UInt64(16 * chunk)) & 0xFFFF) + 1] += 1 } }
            for v in 1..<counts.count { counts[v] += counts[v - 1] }
            var fill = counts
            var list = [Entry](repeating: Entry(hash: 0, picture: 0), count: Int(counts[65_536]))
            for (p, own) in hashes.enumerated() {
                for h in own {
                    let v = Int((h >> UInt64(16 * chunk)) & 0xFFFF)
                    list[Int(fill[v])] = Entry(hash: h, picture: Int32(p))
                    fill[v] += 1
                }
            }
            starts.append(counts); entries.append(list)
        }
    }

    /// Calls `body(picture, hash)` for every entry whose chunk, in some chunk position, is within
    /// the masks of `hash`'s chunk there (an entry can come several times).
    func forEachEntry(near hash: UInt64, masks: [Int], _ body: (Int, UInt64) -> Void) {
        for chunk in 0..<4 {
            let value = Int(truncatingIfNeeded: (hash >> UInt64(16 * chunk)) & 0xFFFF)
            starts[chunk].withUnsafeBufferPointer { start in
                entries[chunk].withUnsafeBufferPointer { list in
                    for mask in masks {
                        let v = value ^ mask
                        var i = Int(start[v])
                        let end = Int(start[v + 1])
                        while i < end { body(Int(list[i].picture), list[i].hash); i += 1 }
                    }
                }
            }
        }
    }

    /// Every 16-bit mask with at most `bits` bits set.
    static func masks(upToBits bits: Int) -> [Int] {
        (0..<65_536).filter { $0.nonzeroBitCount <= bits }
    }
}
