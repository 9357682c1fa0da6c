// The 128-D face descriptor: aligned 150x150 chip -> dlib's ResNet (dlib-models.md §5).
import Foundation
import ExposureModel
import NeuralNet

extension FaceResNetModel {
    /// The input tensor for a batch of 150x150 chips: plane c = (chip[c] - average[c]) / 256.
    func inputTensor(_ chips: [RGBBuffer]) -> Tensor {
        let rows = inputRows, cols = inputColumns, plane = rows * cols
        var x = Tensor(n: chips.count, k: 3, h: rows, w: cols)
        let avg = [averageRGB.red, averageRGB.green, averageRGB.blue]
        x.data.withUnsafeMutableBufferPointer { out in
            for (s, chip) in chips.enumerated() {
                for i in 0..<plane {
                    for c in 0..<3 {
                        out[(s * 3 + c) * plane + i] = (Float(chip.pixels[3 * i + c]) - avg[c]) / 256
                    }
                }
            }
        }
        return x
    }

    /// Descriptors of already aligned chips (each `inputRows x inputColumns`), one network pass.
    func descriptors(chips: [RGBBuffer]) -> [[Float]] {
        guard !chips.isEmpty else { return [] }
        let out = network.forward(inputTensor(chips))
        let k = out.k * out.h * out.w
        return (0..<chips.count).map { Array(out.data[($0 * k)..<(($0 + 1) * k)]) }
    }

    /// compute_face_descriptor(image, shape, num_jitters = 1, padding = 0.25) for each landmark set.
    /// Several faces are split into one group per thread, each group chip extraction plus a
    /// whole network pass on its own core: per-layer splitting of a 150x150 batch leaves the
    /// small late layers and the element-wise ops serial (measured 1.25x on 2 threads).
    public func descriptors(for image: RGBImage, landmarks: [[DetectedFace.Point]]) -> [[Float]] {
        var result = [[Float]](repeating: [], count: landmarks.count)
        result.withUnsafeMutableBufferPointer { out in
            let out = out
            Parallel.forEachChunk(landmarks.count) { _, range in
                let chips = range.map { FaceChipExtractor.extract(image, ChipDetails(landmarks: landmarks[$0], size: inputRows)) }
                for (i, d) in zip(range, descriptors(chips: chips)) { out[i] = d }
            }
        }
        return result
    }
}
