// A photo's face search, the one call the scan's workers, `exposure faces` and the video search
// make: `FaceSearch.faces(in:engine:stages:)` (image in, faces out) and
// `facesAndThumbnails(in:engine:stages:)` (with each face's small JPEG crop, FaceThumbnail.swift).
// The scan's default is the fast search (FaceSearchCascade.swift): proposals first, dlib's
// full-resolution upsample-1 search only in windows around them. Below, the dlib search
// (`--search dlib`): how big an image the face detector sees, per photo, and which pyramid
// levels it searches.
//
// dlib's CNN detector slides an 80x80 window over an image pyramid (each level 5/6 of the last),
// so at upsample 0 it finds faces from about 80 pixels up, and every doubling of the image
// (upsample 1) halves that minimum and quadruples the work. Its cost is proportional to the
// pixels of the first pyramid level, width * height * scale^2; a 12 MP photo at upsample 1 means
// a 48 MP first level (a ~2 GB float tensor) and tens of seconds. So:
//
//   scale = min(80 / smallestFace, sqrt(detectorPixelBudget / (width * height))), in eighths, <= 2
//   scale 2      the full-resolution image with dlib's upsample 1
//   scale 1      the full-resolution image, upsample 0
//   otherwise    the image resized by scale (box prefilter + bilinear, like dlib's pyramid), upsample 0
//
// and every `levelStep`-th pyramid level (default 2: levels (5/6)^2 = 0.69x apart). The detector
// fires for faces over a wider range of sizes than one 5/6 step, so skipping every other level
// found every face the full pyramid found (every third level did not) for 40% less work.
//
// Landmarks and descriptors are always computed on the full-resolution image (boxes mapped
// back), so a face found by both paths gets the same 5 points and descriptor up to the box's
// rounding. Thumbnails are cut from the full-resolution image too.
//
// The dlib search's default: smallest face 40 px, budget 13 M detector pixels, every 2nd level: photos up to 3.2 MP
// are searched at scale 2; recall against dlib's full-resolution upsample-1 detection on 1-12 MP
// canvases 100% for faces >= 60 px, and for 40-59 px 100% up to 3.1 MP (72% over all sizes: the
// budget caps 6 MP photos at 11/8 and 12 MP at 1), 3.7x faster than the reference.
// `--smallest-face 80` (scale 1): 100% >= 60 px, 7.0x faster. The measurements behind them:
// README "Detection defaults", produced by `exposure-bench policy-recall` (Sources/8-Tools/ExposureBench/
// E2EBench.swift), which composites the face_recognition test faces at 30-400 px onto 1-12 MP
// canvases and matches the policy's boxes against full-resolution upsample-1 detection (IoU >= 0.5).
import ExposureModel
import Foundation
import MediaMetadata

public struct DetectionPolicy: Sendable, Hashable {
    /// Pixels of the detector's first pyramid level per photo at most: bounds time and memory on large photos.
    public var detectorPixelBudget: Int
    /// The smallest face width (pixels of the photo) to look for: the scale is 80 / smallestFace
    /// (in eighths, at most 2 = upsample 1) unless the budget allows less.
    public var smallestFace: Int
    /// Every `levelStep`-th level of dlib's 5/6 pyramid is searched (1 = all of them, dlib's own).
    public var levelStep: Int

    public init(detectorPixelBudget: Int, smallestFace: Int = 40, levelStep: Int = 1) {
        precondition(detectorPixelBudget > 0 && smallestFace > 0 && levelStep >= 1)
        self.detectorPixelBudget = detectorPixelBudget
        self.smallestFace = smallestFace
        self.levelStep = levelStep
    }

    public static let `default` = DetectionPolicy(detectorPixelBudget: 13_000_000, smallestFace: 40, levelStep: 2)

    /// dlib's behaviour (every image at full resolution, upsample 1, every pyramid level): the recall reference.
    public static let fullResolutionUpsample1 = DetectionPolicy(detectorPixelBudget: .max)

    /// What the detector sees: the image resized by eighths/8 (16 = upsample 1 at full resolution).
    public struct Plan: Sendable, Hashable {
        /// The detector's scale in eighths: 16 = 2x (upsample 1), 8 = full resolution, 4 = half, ...
        public var eighths: Int
        /// Pyramid levels searched: every `levelStep`-th of dlib's.
        public var levelStep: Int
        public init(eighths: Int, levelStep: Int = 1) { self.eighths = eighths; self.levelStep = levelStep }
        public var upsample: Int { eighths == 16 ? 1 : 0 }
        /// True when the detector sees the decoded image itself (scale 1, or 2 by dlib's own upsampling).
        public var usesImageAsIs: Bool { eighths == 8 || eighths == 16 }
        /// The size of the image handed to the detector.
        public func resizedSize(width: Int, height: Int) -> (width: Int, height: Int) {
            usesImageAsIs ? (width, height) : (max(1, width * eighths / 8), max(1, height * eighths / 8))
        }
        /// Pixels of the detector's first pyramid level.
        public func detectorPixels(width: Int, height: Int) -> Int {
            let size = resizedSize(width: width, height: height)
            return size.width * size.height << (2 * upsample)
        }
        /// The minimum face width (full-resolution pixels) the detector reliably finds at this scale.
        public var minimumFace: Int { 80 * 8 / eighths }
    }

    public func plan(width: Int, height: Int) -> Plan {
        let pixels = Double(max(1, width * height))
        let budgetScale = (Double(detectorPixelBudget) / pixels).squareRoot()
        let budgetEighths = max(1, Int((budgetScale * 8).rounded(.down)))
        // The scale at which a face of `smallestFace` pixels fills the detector's 80-pixel window.
        let wantedEighths = (640 + smallestFace - 1) / smallestFace
        return Plan(eighths: max(1, min(16, wantedEighths, budgetEighths)), levelStep: levelStep)
    }

    /// A box found in the image resized by eighths/8 in full-resolution pixels: the inclusive box
    /// covers the full-resolution pixels its resized pixels came from (exact for 1/2, 1/4, 1/8).
    public static func fullResolutionBox(_ box: DetectedFace.Box, eighths: Int) -> DetectedFace.Box {
        guard eighths != 8, eighths != 16 else { return box }
        func start(_ v: Int) -> Int { Int((Double(v * 8) / Double(eighths)).rounded(.down)) }
        return DetectedFace.Box(left: start(box.left), top: start(box.top),
                                right: start(box.right + 1) - 1, bottom: start(box.bottom + 1) - 1)
    }

    /// Detection per `plan`, then landmarks and descriptors on `image` itself. Boxes, landmarks and
    /// descriptors refer to `image`'s pixels. Highest detector score first.
    public func faces(in image: RGBImage, engine: FaceEngine) -> [DetectedFace] {
        var stages = StageSeconds()
        return faces(in: image, engine: engine, stages: &stages)
    }

    /// The same, adding the time spent to `stages` (detection, descriptors).
    public func faces(in image: RGBImage, engine: FaceEngine, stages: inout StageSeconds) -> [DetectedFace] {
        let plan = plan(width: image.width, height: image.height)
        let detections = StageSeconds.time(&stages.detection) {
            let size = plan.resizedSize(width: image.width, height: image.height)
            let searched = plan.usesImageAsIs ? image : Self.resized(image, width: size.width, height: size.height)
            return engine.detect(searched, upsample: plan.upsample, levelStep: plan.levelStep)
        }
        let boxes = detections.map { Self.fullResolutionBox($0.box, eighths: plan.eighths) }
        let described = StageSeconds.time(&stages.descriptors) { engine.descriptors(for: image, boxes: boxes) }
        return zip(zip(detections, boxes), described).map { pair, r in
            DetectedFace(box: pair.1, confidence: pair.0.confidence, landmarks: r.landmarks, descriptor: r.descriptor)
        }
    }

    /// Resized: when smaller by 2x or more, first an integer box average (`ImageOps.boxDownscale`) to within 2x, then bilinear sampling
    /// at pixel centres. Exactly `boxDownscale` when the size is a power-of-two reduction.
    public static func resized(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        let k = min(image.width / max(1, width), image.height / max(1, height))
        let src = k >= 2 ? ImageOps.boxDownscale(image, by: k) : image
        if src.width == width && src.height == height { return src }
        var out = [UInt8](repeating: 0, count: width * height * 3)
        let sx = Float(src.width) / Float(width), sy = Float(src.height) / Float(height)
        let xs: [(Int, Int, Float)] = (0..<width).map { x in
            let f = max(0, (Float(x) + 0.5) * sx - 0.5), x0 = min(src.width - 1, Int(f))
            return (3 * x0, 3 * min(src.width - 1, x0 + 1), f - Float(x0))
        }
        src.pixels.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                for y in 0..<height {
                    let fy = max(0, (Float(y) + 0.5) * sy - 0.5), y0 = min(src.height - 1, Int(fy))
                    let wy = fy - Float(y0), r0 = 3 * y0 * src.width, r1 = 3 * min(src.height - 1, y0 + 1) * src.width
                    for x in 0..<width {
                        let (a, b, wx) = xs[x]
                        for c in 0..<3 {
                            let top = Float(p[r0 + a + c]) * (1 - wx) + Float(p[r0 + b + c]) * wx
                            let bottom = Float(p[r1 + a + c]) * (1 - wx) + Float(p[r1 + b + c]) * wx
                            o[3 * (y * width + x) + c] = UInt8(min(255, top * (1 - wy) + bottom * wy + 0.5))
                        }
                    }
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }

    /// `resized` written plainly, one output pixel and channel at a time (no tables, no pointers):
    /// the reference the fast one is tested against.
    static func resizedReference(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        let k = min(image.width / max(1, width), image.height / max(1, height))
        let src = k >= 2 ? ImageOps.boxDownscale(image, by: k) : image
        if src.width == width && src.height == height { return src }
        var out = RGBImage(width: width, height: height)
        let sx = Float(src.width) / Float(width), sy = Float(src.height) / Float(height)
        func at(_ x: Int, _ y: Int, _ c: Int) -> Float { Float(src.pixels[3 * (y * src.width + x) + c]) }
        for y in 0..<height {
            let fy = max(0, (Float(y) + 0.5) * sy - 0.5)
            let y0 = min(src.height - 1, Int(fy)), y1 = min(src.height - 1, y0 + 1), wy = fy - Float(y0)
            for x in 0..<width {
                let fx = max(0, (Float(x) + 0.5) * sx - 0.5)
                let x0 = min(src.width - 1, Int(fx)), x1 = min(src.width - 1, x0 + 1), wx = fx - Float(x0)
                for c in 0..<3 {
                    let top = at(x0, y0, c) * (1 - wx) + at(x1, y0, c) * wx
                    let bottom = at(x0, y1, c) * (1 - wx) + at(x1, y1, c) * wx
                    out.pixels[3 * (y * width + x) + c] = UInt8(min(255, top * (1 - wy) + bottom * wy + 0.5))
                }
            }
        }
        return out
    }
}

/// How a scan searches for faces. `.fast` (the default): MTCNN proposals from `smallestFace`
/// (default 20 px), dlib's detector at upsample 1 over its whole pyramid in windows around them,
/// and faces of 20-39 px kept flagged below dlib's range (FaceAnalysis/FaceSearchCascade.swift).
/// `.dlib`: `DetectionPolicy.default` with the user's smallest face (upsample 1, from 40 px), or
/// dlib's detector on the full image with another upsampling (`--upsample`). An inventory records
/// it (`setting`), since it decides which faces the inventory can hold: a resumed or reused
/// inventory must have been made the same way.
public struct FaceSearch: Sendable, Hashable {
    public typealias Method = FaceSearchMethod
    public var method: Method
    public var upsample: Int
    public var smallestFace: Int
    /// dlib's own search over the whole image at `upsample` (every pyramid level, no pixel
    /// budget; face_recognition's results): `exposure faces --search dlib`, and any upsampling but 1.
    public var wholeImage: Bool

    public init(method: Method = .fast, upsample: Int = 1, smallestFace: Int? = nil, wholeImage: Bool = false) {
        // Any upsampling but 1 is dlib's own full-image search.
        self.wholeImage = wholeImage || upsample != 1
        self.method = self.wholeImage ? .dlib : method
        self.upsample = upsample
        self.smallestFace = smallestFace ?? self.method.defaultSmallestFace
    }

    /// The policy of the dlib search at upsample 1.
    public var policy: DetectionPolicy {
        var p = DetectionPolicy.default
        p.smallestFace = smallestFace
        return p
    }

    /// The fast search's settings: proposals from `smallestFace`; faces under dlib's 40 px kept
    /// only when the user asks for faces that small.
    public var cascade: CascadeOptions {
        var c = CascadeOptions.measured
        c.proposals.minFaceSize = Double(smallestFace)
        if smallestFace >= 40 { c.smallFaceMinimumScore = 0 }
        return c
    }

    /// The inventory's record of it (also what a user reads when a resume or reuse is refused).
    public var settingValue: String {
        if method == .fast {
            let c = cascade
            let thresholds = c.proposals.thresholds.map { String(format: "%g", $0) }.joined(separator: "/")
            let small = c.smallFaceMinimumScore > 0 ? String(format: ", faces under 40 px kept from probability %g", c.smallFaceMinimumScore) : ""
            return "fast: faces from \(smallestFace) px, MTCNN proposals (thresholds \(thresholds), scale step \(String(format: "%g", c.proposals.scaleFactor))), dlib upsample 1 in windows on every pyramid level\(small)"
        }
        if wholeImage { return "faces from \(80 >> min(upsample, 6)) px, dlib upsample \(upsample) on the full image, every pyramid level" }
        let p = policy
        return "faces from \(p.smallestFace) px, at most \(p.detectorPixelBudget) detector pixels, every \(p.levelStep == 1 ? "" : "\(p.levelStep)nd ")pyramid level"
    }
    public static let settingKey = FaceSearchMethod.settingKey

    public func faces(in image: RGBImage, engine: FaceEngine) throws -> [DetectedFace] {
        var stages = StageSeconds()
        return try faces(in: image, engine: engine, stages: &stages)
    }

    /// The photo's faces (highest score first; coordinates in `image`'s pixels) and each one's
    /// thumbnail, a small JPEG cut from `image` for the report (FaceThumbnail).
    public func facesAndThumbnails(in image: RGBImage, engine: FaceEngine,
                                   stages: inout StageSeconds) throws -> [(face: DetectedFace, thumbnail: Data?)] {
        let found = try faces(in: image, engine: engine, stages: &stages)
        return StageSeconds.time(&stages.thumbnails) { found.map { ($0, FaceThumbnail.jpeg(of: $0.box, in: image)) } }
    }

    /// Throws `MemoryLimitExceeded` (SearchMemory.swift), before allocating, when the dlib
    /// search would not fit the process's memory limit (`--upsample` on a large photo).
    public func faces(in image: RGBImage, engine: FaceEngine, stages: inout StageSeconds) throws -> [DetectedFace] {
        if method == .fast {
            let found = engine.cascadeFaces(in: image, options: cascade, detectionSeconds: &stages.detection,
                                            descriptorSeconds: &stages.descriptors)
            return found.faces + found.smallFaces
        }
        if !wholeImage {
            let p = policy, plan = p.plan(width: image.width, height: image.height)
            let size = plan.resizedSize(width: image.width, height: image.height)
            try Self.checkMemory(width: size.width, height: size.height, upsample: plan.upsample, wholeImage: false)
            return p.faces(in: image, engine: engine, stages: &stages)
        }
        try Self.checkMemory(width: image.width, height: image.height, upsample: upsample, wholeImage: true)
        // dlib's own search (`--upsample`, `exposure faces --search dlib`): the detector dwarfs the rest, so it is all counted as detection.
        return StageSeconds.time(&stages.detection) { engine.faces(in: image, upsample: upsample) }
    }
}
