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
        TensorMemory.keepFreedTensorsForReuse()   // as the scan's workers and `exposure faces` do
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
        // Scaling on a batch: 8 faces through the descriptor network, and a small image through the
        // detector. The VM's two vCPUs do not give two whole cores' worth of FMA throughput (and
        // neighbours come and go), so 1- and 2-thread runs are interleaved and the ratio is the
        // median of per-pair ratios. The ceiling is measured the same way: two independent
        // 1-thread copies of the same work at once, against one alone.
        let batch = Array(repeating: obamaMarks, count: 8)
        let small = scaled(biden, by: 3)
        let cases: [(String, () -> Void)] = [
            ("descriptor_batch8", { _ = engine.recognizer.descriptors(for: obama, landmarks: batch) }),
            ("detector_biden_third", { _ = engine.detect(small, upsample: 0) }),
        ]
        for (name, work) in cases {
            Parallel.withThreadCount(2) { work() }   // warm-up
            var one: [Double] = [], two: [Double] = [], pair: [Double] = []
            for _ in 0..<max(7, runs) {
                one.append(Parallel.withThreadCount(1) { time(1, work) })
                two.append(Parallel.withThreadCount(2) { time(1, work) })
                // Inside a Parallel chunk the kernels run single-threaded: two independent copies.
                pair.append(Parallel.withThreadCount(2) { time(1) { Parallel.forEachChunk(2) { _, _ in work() } } })
            }
            print("\(name)_seconds_1thread \(median(one))")
            print("\(name)_seconds_2thread \(median(two))")
            print("\(name)_scaling \(median(zip(one, two).map { $0 / $1 }))")
            print("\(name)_ceiling \(median(zip(one, pair).map { 2 * $0 / $1 }))")
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
