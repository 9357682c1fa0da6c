import ExposureModel
import ExposurePipeline
import FaceAnalysis
import Foundation
import MediaMetadata
import XCTest

final class DetectionPolicyTests: XCTestCase {
    func testPlanFollowsPixelCount() {
        let policy = DetectionPolicy.default
        XCTAssertEqual(policy.plan(width: 1080, height: 1080), .init(scaleDenominator: 1, upsample: 1))
        XCTAssertEqual(policy.plan(width: 1600, height: 1200), .init(scaleDenominator: 1, upsample: 1))
        XCTAssertEqual(policy.plan(width: 2048, height: 1536), .init(scaleDenominator: 1, upsample: 0))
        XCTAssertEqual(policy.plan(width: 4000, height: 3000), .init(scaleDenominator: 1, upsample: 0))
        XCTAssertEqual(policy.plan(width: 6000, height: 4000), .init(scaleDenominator: 2, upsample: 0))
        XCTAssertEqual(policy.plan(width: 40000, height: 30000), .init(scaleDenominator: 8, upsample: 0))
        XCTAssertEqual(DetectionPolicy.fullResolutionUpsample1.plan(width: 40000, height: 30000), .init(scaleDenominator: 1, upsample: 1))
        XCTAssertEqual(Plan(scaleDenominator: 2, upsample: 0).detectorPixels(width: 5, height: 4), 6)
        XCTAssertEqual(Plan(scaleDenominator: 1, upsample: 1).detectorPixels(width: 5, height: 4), 80)
    }
    typealias Plan = DetectionPolicy.Plan

    /// A box in a 1/4 reduction covers exactly the full-resolution pixels its reduced pixels average.
    func testBoxMapsBackToTheFullResolutionPixelsItCameFrom() {
        // A full-resolution image whose pixel value encodes its block of 4x4: the reduction's pixel
        // (x, y) is then exactly that code, so the mapping can be checked pixel by pixel.
        let width = 64, height = 48, scale = 4
        var image = RGBImage(width: width, height: height)
        for y in 0..<height { for x in 0..<width { image.pixels[3 * (y * width + x)] = UInt8(x / scale); image.pixels[3 * (y * width + x) + 1] = UInt8(y / scale) } }
        let reduced = ImageOps.boxDownscale(image, by: scale)
        let small = DetectedFace.Box(left: 3, top: 2, right: 9, bottom: 7)
        let full = DetectionPolicy.fullResolutionBox(small, scale: scale)
        XCTAssertEqual(full, DetectedFace.Box(left: 12, top: 8, right: 39, bottom: 31))
        XCTAssertEqual(full.width, small.width * scale)
        XCTAssertEqual(full.height, small.height * scale)
        XCTAssertEqual(reduced[small.left, small.top].r, image[full.left, full.top].r)
        XCTAssertEqual(reduced[small.right, small.bottom].g, image[full.right, full.bottom].g)
        XCTAssertEqual(reduced[small.right, small.bottom].r, image[full.right, full.bottom].r)
        XCTAssertNotEqual(image[full.right + 1, full.bottom].r, reduced[small.right, small.bottom].r)
        XCTAssertEqual(DetectionPolicy.fullResolutionBox(small, scale: 1), small)
        // Boxes past the edge (dlib's may be) map the same way.
        XCTAssertEqual(DetectionPolicy.fullResolutionBox(.init(left: -2, top: -1, right: 0, bottom: 0), scale: 2),
                       DetectedFace.Box(left: -4, top: -2, right: 1, bottom: 1))
    }

    static let engine: FaceEngine? = try? FaceEngine(modelDirectory: ModelStore().directory, verifyChecksums: false)

    /// Every face full-resolution upsample-1 detection finds, the policy finds too (IoU >= 0.5), with
    /// landmarks and descriptors computed at full resolution (descriptor within 0.05 of the reference's).
    func testRecallMatchesFullResolutionOnReducedAndUnupsampledPaths() throws {
        let engine = try XCTUnwrap(Self.engine, "models missing: run `exposure models fetch`")
        let dir = DemoExport.testImageDirectory
        func load(_ name: String) throws -> RGBImage {
            try ImageDecoder.decode(try Data(contentsOf: dir.appendingPathComponent(name)))
        }
        let obama = try load("obama.jpg"), biden = try load("biden.jpg"), obama3 = try load("obama3.jpg")
        // Small limits so that small test images take the reduced and the no-upsample paths.
        let policy = DetectionPolicy(upsamplePixelLimit: 200_000, fullResolutionPixelLimit: 400_000)
        let cases: [(RGBImage, DetectionPolicy.Plan)] = [
            (DemoImages.sideBySide(obama, biden), .init(scaleDenominator: 2, upsample: 0)),
            (DemoImages.sideBySide(DemoImages.scaled(obama, 1, 2), DemoImages.scaled(biden, 1, 2)), .init(scaleDenominator: 1, upsample: 0)),
            (DemoImages.scaled(obama3, 1, 3), .init(scaleDenominator: 1, upsample: 1)),
        ]
        var matched = 0
        for (image, expected) in cases {
            XCTAssertEqual(policy.plan(width: image.width, height: image.height), expected)
            let reference = engine.faces(in: image, upsample: 1)
            let ours = policy.faces(in: image, engine: engine)
            XCTAssertFalse(reference.isEmpty)
            XCTAssertGreaterThanOrEqual(ours.count, reference.count)
            for face in reference {
                let best = try XCTUnwrap(ours.max { iou($0.box, face.box) < iou($1.box, face.box) })
                XCTAssertGreaterThanOrEqual(iou(best.box, face.box), 0.5, "\(image.width)x\(image.height) \(face.box)")
                XCTAssertLessThan(FaceEngine.distance(best.descriptor, face.descriptor), 0.05)
                XCTAssertEqual(best.landmarks.count, 5)
                matched += 1
            }
        }
        XCTAssertGreaterThanOrEqual(matched, 5)
        // Bytes in, full-resolution image out (the thumbnail source), faces in its pixels.
        let jpeg = try ImageEncoder.jpeg(cases[0].0, quality: 92)
        let (faces, decoded) = try policy.faces(in: jpeg, engine: engine)
        XCTAssertEqual(decoded.width, cases[0].0.width)
        XCTAssertEqual(faces.count, 2)
        XCTAssertTrue(faces.contains { $0.box.left > obama.width }, "Biden's face lies in the right half")
    }

    func iou(_ a: DetectedFace.Box, _ b: DetectedFace.Box) -> Double {
        let iw = min(a.right, b.right) - max(a.left, b.left) + 1, ih = min(a.bottom, b.bottom) - max(a.top, b.top) + 1
        guard iw > 0, ih > 0 else { return 0 }
        let inter = Double(iw * ih)
        return inter / (Double(a.width * a.height + b.width * b.height) - inter)
    }
}
