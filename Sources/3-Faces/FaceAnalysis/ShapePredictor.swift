// dlib's shape_predictor::operator() (dlib/image_processing/shape_predictor.h:201-283, 339-363),
// reproduced bit-exactly: the landmarks are integer points, identical to dlib's.
import ExposureModel

extension ShapePredictorModel {
    /// Predicts the landmarks inside the inclusive pixel box (left, top, right, bottom) of `image`.
    /// The box may extend past the image; pixels sampled outside count as 0.
    public func predict(_ image: RGBImage, box: DetectedFace.Box) -> [DetectedFace.Point] {
        let l = Double(box.left), t = Double(box.top)
        let sx = Double(box.right - box.left), sy = Double(box.bottom - box.top)   // r - l, not the width
        let parts = partCount
        var shape = initialShape
        let initialPoints = (0..<parts).map { DPoint(Double(initialShape[2 * $0]), Double(initialShape[2 * $0 + 1])) }
        let width = image.width, height = image.height
        var features: [Float] = []
        image.pixels.withUnsafeBufferPointer { pixels in
            for cascade in cascades {
                let current = (0..<parts).map { DPoint(Double(shape[2 * $0]), Double(shape[2 * $0 + 1])) }
                let sim = findSimilarityTransform(from: initialPoints, to: current)
                let m00 = Float(sim.m00), m01 = Float(sim.m01), m10 = Float(sim.m10), m11 = Float(sim.m11)
                let n = cascade.anchors.count
                if features.count != n { features = [Float](repeating: 0, count: n) }
                for j in 0..<n {
                    let d = cascade.deltas[j], a = cascade.anchors[j]
                    // float32 like dlib: M * delta + shape point
                    let qx = (m00 * d.x + m01 * d.y) + shape[2 * a]
                    let qy = (m10 * d.x + m11 * d.y) + shape[2 * a + 1]
                    let px = dlibRoundPoint(l + sx * Double(qx))
                    let py = dlibRoundPoint(t + sy * Double(qy))
                    if px >= 0, py >= 0, px < width, py < height {
                        let i = 3 * (py * width + px)
                        features[j] = Float((Int(pixels[i]) + Int(pixels[i + 1]) + Int(pixels[i + 2])) / 3)
                    } else {
                        features[j] = 0
                    }
                }
                for tree in cascade.trees {
                    var i = 0
                    let splits = tree.splits
                    while i < splits.count {
                        let s = splits[i]
                        i = features[s.index1] - features[s.index2] > s.threshold ? 2 * i + 1 : 2 * i + 2
                    }
                    let leaf = (i - splits.count) * shape.count
                    for k in 0..<shape.count { shape[k] += tree.leafValues[leaf + k] }
                }
            }
        }
        return (0..<parts).map { k in
            DetectedFace.Point(x: dlibRoundPoint(l + sx * Double(shape[2 * k])),
                               y: dlibRoundPoint(t + sy * Double(shape[2 * k + 1])))
        }
    }
}
