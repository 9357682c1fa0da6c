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
    public func descriptors(for image: RGBImage, landmarks: [[DetectedFace.Point]]) -> [[Float]] {
        let chips = landmarks.map { FaceChipExtractor.extract(image, ChipDetails(landmarks: $0, size: inputRows)) }
        return descriptors(chips: chips)
    }
}
