// Loader for dlib's shape_predictor (shape_predictor_5_face_landmarks.dat);
// primitives in DlibReader.swift. (dlib/image_processing/shape_predictor.h:411-431, 23-100)
//
// FILE FORMAT:
//   int version = 1
//   matrix<float,0,1> initial_shape   (2P floats: x0, y0, x1, y1, ... in normalized box coords)
//   vector<vector<regression_tree>> forests   (one vector of trees per cascade)
//       regression_tree = vector<split_feature> splits (each: ulong idx1, ulong idx2, float thresh),
//                         vector<matrix<float,0,1>> leaf_values (splits + 1 leaves of 2P floats)
//   vector<vector<ulong>> anchor_idx          (per cascade, per feature pixel: the part it hangs on)
//   vector<vector<vector<float,2>>> deltas    (per cascade, per feature pixel: offset from that part)
//
// Checked on load: version, 2P-long shapes and leaves, complete binary trees, split indices below
// the cascade's feature count, anchors below P, matching cascade counts, whole file consumed.
import Foundation

/// The regression-tree cascade of a dlib shape predictor.
public struct ShapePredictorModel: Sendable {
    public struct Split: Sendable { public var index1: Int; public var index2: Int; public var threshold: Float }
    public struct Tree: Sendable {
        public var splits: [Split]
        /// `splits.count + 1` leaves, each `2 * partCount` floats, concatenated.
        public var leafValues: [Float]
    }
    public struct Cascade: Sendable {
        public var trees: [Tree]
        /// Per feature pixel: the part index it is anchored to and its offset (dx, dy).
        public var anchors: [Int]
        public var deltas: [(x: Float, y: Float)]
    }

    /// 2 * partCount floats (x, y interleaved) in normalized box coordinates.
    public let initialShape: [Float]
    public let cascades: [Cascade]
    public var partCount: Int { initialShape.count / 2 }

    public init(contentsOf url: URL) throws {
        var r = try DlibReader(contentsOf: url)
        try r.expectInteger(1, "shape_predictor version")
        let shapeAt = r.offset
        let rows = try r.integer("rows of initial_shape")
        let cols = try r.integer("cols of initial_shape")
        let dims = abs(rows)
        guard abs(cols) == 1, dims >= 2, dims % 2 == 0, dims <= 2 * 1000 else {
            throw r.error("initial_shape: expected a 2Px1 column, found \(abs(rows))x\(abs(cols)) (not a shape predictor?)", at: shapeAt)
        }
        var initial = [Float](repeating: 0, count: dims)
        for i in 0..<dims { initial[i] = try r.float("initial_shape") }

        let cascadeCount = try r.count("number of cascades")
        var trees: [[Tree]] = []
        for c in 0..<cascadeCount {
            let treeCount = try r.count("number of trees in cascade \(c)")
            var cascadeTrees: [Tree] = []
            cascadeTrees.reserveCapacity(treeCount)
            for t in 0..<treeCount {
                let splitsAt = r.offset
                let splitCount = try r.count("number of splits in tree \(t) of cascade \(c)", minimumItemBytes: 6)
                guard splitCount >= 1, splitCount <= 4095, (splitCount + 1) & splitCount == 0 else {
                    throw r.error("tree \(t) of cascade \(c): \(splitCount) splits is not a complete binary tree", at: splitsAt)
                }
                var splits: [Split] = []
                splits.reserveCapacity(splitCount)
                for _ in 0..<splitCount {
                    let a = try r.integer("split idx1"), b = try r.integer("split idx2")
                    let th = try r.float("split threshold")
                    splits.append(Split(index1: a, index2: b, threshold: th))
                }
                let leavesAt = r.offset
                let leafCount = try r.count("number of leaves", minimumItemBytes: 4)
                guard leafCount == splitCount + 1 else {
                    throw r.error("tree \(t) of cascade \(c): expected \(splitCount + 1) leaves, found \(leafCount)", at: leavesAt)
                }
                var leaves = [Float]()
                leaves.reserveCapacity(leafCount * dims)
                for _ in 0..<leafCount { leaves += try r.floatColumn(length: dims, "leaf value") }
                cascadeTrees.append(Tree(splits: splits, leafValues: leaves))
            }
            trees.append(cascadeTrees)
        }

        let anchorsAt = r.offset
        let anchorCascades = try r.count("number of anchor_idx cascades")
        guard anchorCascades == cascadeCount else {
            throw r.error("anchor_idx: expected \(cascadeCount) cascades, found \(anchorCascades)", at: anchorsAt)
        }
        var anchors: [[Int]] = []
        for c in 0..<cascadeCount {
            let n = try r.count("anchor count of cascade \(c)", minimumItemBytes: 2)
            var list = [Int]()
            list.reserveCapacity(n)
            for _ in 0..<n {
                let at = r.offset
                let a = try r.integer("anchor index")
                guard a >= 0, a < dims / 2 else { throw r.error("anchor index \(a) outside 0..<\(dims / 2)", at: at) }
                list.append(a)
            }
            anchors.append(list)
        }
        let deltasAt = r.offset
        let deltaCascades = try r.count("number of delta cascades")
        guard deltaCascades == cascadeCount else {
            throw r.error("deltas: expected \(cascadeCount) cascades, found \(deltaCascades)", at: deltasAt)
        }
        var cascades: [Cascade] = []
        for c in 0..<cascadeCount {
            let at = r.offset
            let n = try r.count("delta count of cascade \(c)", minimumItemBytes: 8)
            guard n == anchors[c].count else { throw r.error("cascade \(c): \(anchors[c].count) anchors but \(n) deltas", at: at) }
            var list: [(x: Float, y: Float)] = []
            list.reserveCapacity(n)
            for _ in 0..<n { list.append((try r.float("delta x"), try r.float("delta y"))) }
            for (t, tree) in trees[c].enumerated() {
                for s in tree.splits where !(0..<n).contains(s.index1) || !(0..<n).contains(s.index2) {
                    throw r.error("tree \(t) of cascade \(c): split feature (\(s.index1), \(s.index2)) outside the \(n) feature pixels", at: at)
                }
            }
            cascades.append(Cascade(trees: trees[c], anchors: anchors[c], deltas: list))
        }
        guard r.isAtEnd else { throw r.error("expected end of file after the deltas, \(r.remaining) bytes left (wrong model file?)") }
        initialShape = initial
        self.cascades = cascades
    }
}
