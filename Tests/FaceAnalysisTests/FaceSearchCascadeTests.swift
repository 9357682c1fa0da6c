import Foundation
import XCTest
import ExposureModel
import MediaMetadata
@testable import FaceAnalysis

/// The fast search (proposals, then dlib's detector in windows) against dlib's own full search on
/// face_recognition's photos and on a collage of them at several sizes: the same boxes, scores and
/// descriptors; faces below dlib's range found and flagged.
final class FaceSearchCascadeTests: XCTestCase {
    func engine() throws -> FaceEngine { try FaceTestData.engine() }

    func assertSameAsFullSearch(_ image: RGBImage, _ name: String, engine e: FaceEngine) -> CascadeResult {
        let full = e.faces(in: image, upsample: 1)
        var d = 0.0, s = 0.0
        let fast = e.cascadeFaces(in: image, options: CascadeOptions.measured, detectionSeconds: &d, descriptorSeconds: &s)
        XCTAssertEqual(fast.faces.map(\.box), full.map(\.box), "\(name): boxes")
        for (a, b) in zip(fast.faces, full) {
            XCTAssertEqual(a.confidence, b.confidence, accuracy: 1e-5, name)
            XCTAssertEqual(a.landmarks, b.landmarks, name)
            XCTAssertLessThan(FaceEngine.distance(a.descriptor, b.descriptor), 1e-5, name)
            XCTAssertFalse(a.belowDetectorRange)
        }
        XCTAssertGreaterThan(d, 0)
        return fast
    }

    func testFaceRecognitionPhotosGiveDlibsOwnFaces() throws {
        let e = try engine()
        for name in ["obama.jpg", "biden.jpg", "obama2.jpg", "obama3.jpg"] {
            let fast = assertSameAsFullSearch(try DlibGoldenTests.source(name), name, engine: e)
            XCTAssertEqual(fast.faces.count, 1, name)
            XCTAssertTrue(fast.smallFaces.isEmpty, name)
        }
    }

    /// A known face (a video track's last sighting) where the proposal network sees one is taken
    /// without dlib's windows: same place as dlib's box, the known confidence, a descriptor of the
    /// same person; a known face where there is none changes nothing.
    func testKnownFacesAreFollowedWithoutTheDetector() throws {
        let e = try engine()
        let image = try DlibGoldenTests.source("obama.jpg")
        var d = 0.0, s = 0.0
        let full = e.cascadeFaces(in: image, options: CascadeOptions.measured, detectionSeconds: &d, descriptorSeconds: &s)
        let dlibFace = try XCTUnwrap(full.faces.first)
        XCTAssertTrue(full.followed.isEmpty)

        let known = KnownFace(box: dlibFace.box, confidence: 0.75)
        let followed = e.cascadeFaces(in: image, options: CascadeOptions.measured, known: [known], detectionSeconds: &d, descriptorSeconds: &s)
        XCTAssertTrue(followed.faces.isEmpty, "no dlib windows at a known face")
        XCTAssertLessThan(followed.windowPixels, full.windowPixels / 2, "only the other proposals' windows")
        let face = try XCTUnwrap(followed.followed.first)
        XCTAssertEqual(followed.followed.count, 1)
        XCTAssertGreaterThan(DetectedFace.Box.iou(face.box, dlibFace.box), 0.7, "\(face.box) vs \(dlibFace.box)")
        XCTAssertEqual(face.confidence, 0.75)
        XCTAssertEqual(face.landmarks.count, 5)
        XCTAssertLessThan(FaceEngine.distance(face.descriptor, dlibFace.descriptor), 0.2, "the same person's descriptor")

        // Known somewhere else: the proposal goes to dlib as before.
        let elsewhere = KnownFace(box: DetectedFace.Box(left: 0, top: 0, right: 60, bottom: 60), confidence: 1)
        let other = e.cascadeFaces(in: image, options: CascadeOptions.measured, known: [elsewhere], detectionSeconds: &d, descriptorSeconds: &s)
        XCTAssertTrue(other.followed.isEmpty)
        XCTAssertEqual(other.faces.map(\.box), full.faces.map(\.box))
        XCTAssertEqual(other.faces.first?.confidence, dlibFace.confidence)
    }

    /// A grey canvas with obama.jpg at 1/1, 1/3 and 1/6 (faces of about 240, 80 and 40 px) and biden
    /// at 1/4, and obama at 1/12 (a face of about 20-25 px, below dlib's range).
    func testCollageAtSeveralSizesAndASmallFace() throws {
        let e = try engine()
        let obama = try DlibGoldenTests.source("obama.jpg"), biden = try DlibGoldenTests.source("biden.jpg")
        var canvas = RGBImage(width: 1400, height: 1000, fill: 128)
        func paste(_ img: RGBImage, _ x: Int, _ y: Int) {
            for row in 0..<min(img.height, canvas.height - y) {
                for col in 0..<min(img.width, canvas.width - x) {
                    for c in 0..<3 { canvas.pixels[3 * ((y + row) * canvas.width + x + col) + c] = img.pixels[3 * (row * img.width + col) + c] }
                }
            }
        }
        paste(obama, 0, 0)
        paste(DlibGoldenTests.decimate(obama, 3), 900, 0)
        paste(DlibGoldenTests.decimate(obama, 6), 900, 500)
        paste(DlibGoldenTests.decimate(biden, 4), 1100, 500)
        paste(DlibGoldenTests.decimate(obama, 12), 600, 800)
        let fast = assertSameAsFullSearch(canvas, "collage", engine: e)
        XCTAssertGreaterThanOrEqual(fast.faces.count, 4)
        // The 1/12 obama: a face under 40 px that only the proposal network sees.
        let small = fast.smallFaces.filter { $0.box.left >= 600 && $0.box.top >= 800 }
        XCTAssertEqual(small.count, 1, "small faces: \(fast.smallFaces.map(\.box))")
        if let face = small.first {
            XCTAssertTrue(face.belowDetectorRange)
            XCTAssertLessThan(face.box.width, 40)
            XCTAssertGreaterThanOrEqual(face.confidence, CascadeOptions.measured.smallFaceMinimumScore)
            XCTAssertEqual(face.descriptor.count, 128)
        }
    }

    func testSmallFacesAreOffWhenTheSmallestFaceIsDlibsRange() throws {
        let e = try engine()
        let obama = try DlibGoldenTests.source("obama.jpg")
        var options = CascadeOptions.measured
        options.smallFaceMinimumScore = 0
        var d = 0.0, s = 0.0
        let fast = e.cascadeFaces(in: DlibGoldenTests.decimate(obama, 12), options: options, detectionSeconds: &d, descriptorSeconds: &s)
        XCTAssertTrue(fast.smallFaces.isEmpty)
    }
}
