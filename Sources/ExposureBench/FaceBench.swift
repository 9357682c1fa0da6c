// exposure-bench faces: the face engine's timings, printed as `key value` lines that
// scripts/bench-faces puts next to dlib-bin's (and ref_impl.py's) on the same images.
//
//   exposure-bench faces [--images DIR] [--models DIR] [--runs N]
import Foundation
import ExposureModel
import FaceAnalysis
import MediaMetadata
import NeuralNet

enum FaceBench {
    static func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        return s.isEmpty ? .nan : (s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2)
    }

    static func time(_ runs: Int, _ body: () -> Void) -> Double {
        var samples: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return median(samples)
    }

    static func run(_ args: [String]) throws {
        func option(_ name: String) -> String? {
            guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
            return args[i + 1]
        }
        let store = ModelStore(overrideDirectory: option("--models"))
        let images = URL(fileURLWithPath: option("--images") ?? store.directory.deletingLastPathComponent()
            .appendingPathComponent("testdata/face_recognition-1.3.0").path)
        let runs = Int(option("--runs") ?? "5") ?? 5
        let engine = try FaceEngine(modelDirectory: store.directory)
        let obama = try ImageDecoder.decode(try Data(contentsOf: images.appendingPathComponent("obama.jpg")))
        let biden = try ImageDecoder.decode(try Data(contentsOf: images.appendingPathComponent("biden.jpg")))
        // Boxes and landmarks once (not timed): the descriptor benchmark times chip + network.
        let obamaBox = DetectedFace.Box(left: 363, top: 144, right: 608, bottom: 389)
        let obamaMarks = engine.landmarks(in: obama, box: obamaBox)

        print("threads_available \(ProcessInfo.processInfo.activeProcessorCount)")
        print("runs \(runs)")
        Parallel.withThreadCount(1) {
            _ = engine.recognizer.descriptors(for: obama, landmarks: [obamaMarks])   // warm-up
            let t = time(runs) { _ = engine.recognizer.descriptors(for: obama, landmarks: [obamaMarks]) }
            print("descriptor_seconds_per_face_1thread \(t)")
            let l = time(runs) { _ = engine.landmarks(in: obama, box: obamaBox) }
            print("landmarks_seconds_per_face_1thread \(l)")
            let d = time(max(1, runs / 2)) { _ = engine.detect(obama, upsample: 0) }
            print("detector_seconds_obama_upsample0_1thread \(d)")
        }
        // Batch: 8 faces through the descriptor network, and 2 images through the detector.
        let batch = Array(repeating: obamaMarks, count: 8)
        let small = scaled(biden, by: 3)
        for threads in [1, 2] {
            Parallel.withThreadCount(threads) {
                _ = engine.recognizer.descriptors(for: obama, landmarks: batch)
                let t = time(runs) { _ = engine.recognizer.descriptors(for: obama, landmarks: batch) }
                print("descriptor_batch8_seconds_\(threads)thread \(t)")
                let d = time(max(1, runs / 2)) { _ = engine.detect(small, upsample: 0) }
                print("detector_biden_third_seconds_\(threads)thread \(d)")
            }
        }
    }

    /// Nearest-neighbour decimation, img[::k, ::k].
    static func scaled(_ image: RGBImage, by k: Int) -> RGBImage {
        let w = (image.width + k - 1) / k, h = (image.height + k - 1) / k
        var pixels = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h { for x in 0..<w { for c in 0..<3 { pixels[3 * (y * w + x) + c] = image.pixels[3 * (y * k * image.width + x * k) + c] } } }
        return RGBImage(width: w, height: h, pixels: pixels)
    }
}
