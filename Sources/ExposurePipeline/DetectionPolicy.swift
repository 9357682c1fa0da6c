// How big an image the face detector sees, per photo.
//
// dlib's CNN detector slides an 80x80 window over an image pyramid (each level 5/6 of the last),
// so at upsample 0 it finds faces from about 80 pixels up, and every doubling of the image
// (upsample 1) halves that minimum and quadruples the work. Its cost is proportional to
// (pixels seen) = width * height * (2^upsample / scale)^2; a 12 MP photo at upsample 1 means a
// 48 MP first pyramid level (a ~2 GB float tensor) and tens of seconds on two cores.
// Only the *effective scale* 2^upsample / scaleDenominator matters for which faces are found,
// so the policy picks that per image from its pixel count:
//
//   pixels <= upsamplePixelLimit       full resolution, upsample 1   (finds faces >= ~40 px)
//   pixels <= fullResolutionPixelLimit full resolution, upsample 0   (finds faces >= ~80 px)
//   larger                             1/2, 1/4 or 1/8 resolution (the smallest reduction that
//                                      brings the image under fullResolutionPixelLimit), upsample 0
//
// Landmarks and descriptors are always computed on the full-resolution image (boxes mapped
// back exactly), so a face found by both paths gets the same 5 points and descriptor up to the
// box's rounding (measured below). Thumbnails are cut from the full-resolution image too.
//
// Defaults and the measurements behind them: see README "Detection defaults" and
// `exposure-bench policy-recall` (Sources/ExposureBench/E2EBench.swift), which composites the
// face_recognition test faces at 30-400 px onto 1-12 MP canvases and matches the policy's boxes
// against full-resolution upsample-1 detection (IoU >= 0.5).
import ExposureModel
import FaceAnalysis
import Foundation
import MediaMetadata

public struct DetectionPolicy: Sendable, Hashable {
    /// Images of at most this many pixels are searched at full resolution with upsample 1.
    public var upsamplePixelLimit: Int
    /// Larger images up to this many pixels are searched at full resolution, upsample 0;
    /// beyond it the detector sees a 1/2, 1/4 or 1/8 (box-averaged) reduction.
    public var fullResolutionPixelLimit: Int

    public init(upsamplePixelLimit: Int, fullResolutionPixelLimit: Int) {
        self.upsamplePixelLimit = upsamplePixelLimit
        self.fullResolutionPixelLimit = fullResolutionPixelLimit
    }

    /// 2.1 MP (a 1920x1080 frame, a 2048x1024 Facebook export; below a 1600x1200 photo's 1.92 MP
    /// too) gets upsample 1; up to 16 MP full resolution; beyond that a reduction.
    public static let `default` = DetectionPolicy(upsamplePixelLimit: 2_100_000, fullResolutionPixelLimit: 16_000_000)

    /// The previous behaviour (every image at full resolution, upsample 1): the recall reference.
    public static let fullResolutionUpsample1 = DetectionPolicy(upsamplePixelLimit: .max, fullResolutionPixelLimit: .max)

    /// What the detector sees for an image of this size: a 1/`scaleDenominator` reduction
    /// (1, 2, 4 or 8) searched with `upsample`.
    public struct Plan: Sendable, Hashable {
        public var scaleDenominator: Int
        public var upsample: Int
        /// Pixels of the first pyramid level, which is what the detector's time is proportional to.
        public func detectorPixels(width: Int, height: Int) -> Int {
            let w = (width + scaleDenominator - 1) / scaleDenominator, h = (height + scaleDenominator - 1) / scaleDenominator
            return w * h << (2 * upsample)
        }
    }

    public func plan(width: Int, height: Int) -> Plan {
        let pixels = width * height
        if pixels <= upsamplePixelLimit { return Plan(scaleDenominator: 1, upsample: 1) }
        var scale = 1
        while scale < 8, pixels / (scale * scale) > fullResolutionPixelLimit { scale *= 2 }
        return Plan(scaleDenominator: scale, upsample: 0)
    }

    /// A box found in a 1/`scale` image (made by `ImageOps.boxDownscale`, whose pixel (x, y) averages
    /// full-resolution pixels scale*x ..< scale*(x+1)) in full-resolution pixels: the inclusive box
    /// covers exactly the full-resolution pixels its reduced pixels came from.
    public static func fullResolutionBox(_ box: DetectedFace.Box, scale: Int) -> DetectedFace.Box {
        DetectedFace.Box(left: box.left * scale, top: box.top * scale,
                         right: (box.right + 1) * scale - 1, bottom: (box.bottom + 1) * scale - 1)
    }

    /// Detection per `plan`, then landmarks and descriptors on `image` itself. Boxes, landmarks and
    /// descriptors refer to `image`'s pixels. Highest detector score first.
    public func faces(in image: RGBImage, engine: FaceEngine) -> [DetectedFace] {
        let plan = plan(width: image.width, height: image.height)
        let searched = plan.scaleDenominator > 1 ? ImageOps.boxDownscale(image, by: plan.scaleDenominator) : image
        let detections = engine.detect(searched, upsample: plan.upsample)
        let boxes = detections.map { Self.fullResolutionBox($0.box, scale: plan.scaleDenominator) }
        let described = engine.descriptors(for: image, boxes: boxes)
        return zip(zip(detections, boxes), described).map { pair, r in
            DetectedFace(box: pair.1, confidence: pair.0.confidence, landmarks: r.landmarks, descriptor: r.descriptor)
        }
    }

    /// Decodes `data` (JPEG, PNG, WebP, HEIF; EXIF orientation applied) at full resolution and finds
    /// its faces. `image` is that full-resolution decode: the faces' coordinates are its pixels, and it
    /// is the picture to cut thumbnails from (`FaceThumbnail.jpeg(of: face.box, in: image)`).
    public func faces(in data: Data, engine: FaceEngine) throws -> (faces: [DetectedFace], image: RGBImage) {
        let image = try ImageDecoder.decode(data)
        return (faces(in: image, engine: engine), image)
    }
}
