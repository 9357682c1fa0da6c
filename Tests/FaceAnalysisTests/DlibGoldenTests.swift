import Foundation
import XCTest
import ExposureModel
import MediaMetadata
@testable import FaceAnalysis

/// Fidelity against real dlib 20.0.1 (Fixtures/dlib-goldens.json, made by scripts/dlib-goldens.py):
/// same decoded pixels, identical boxes and landmarks, confidences within 1e-3, descriptors within
/// L2 1e-3 — on the face_recognition photos and on images derived from them here exactly as the
/// script derives them.
final class DlibGoldenTests: XCTestCase {
    struct Goldens: Decodable {
        struct Recipe: Decodable {
            struct Piece: Decodable { var source: String; var factor: Int; var x: Int; var y: Int }
            var kind: String
            var source: String?
            var factor: Int?
            var width: Int?, height: Int?, fill: Int?
            var pieces: [Piece]?
        }
        struct Face: Decodable {
            var box: [Int]
            var confidence: Float
            var landmarks: [[Int]]
            var descriptor: [Float]
        }
        struct Case: Decodable {
            var name: String
            var recipe: Recipe
            var upsample: Int
            var width: Int, height: Int
            var sha256: String
            var faces: [Face]
        }
        var dlib: String
        var decodedSHA256: [String: String]
        var cases: [Case]
    }

    static let goldens: Goldens? = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/dlib-goldens.json")
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(Goldens.self, from: data)
    }()
    static let engine: FaceEngine? = try? FaceEngine(modelDirectory: FaceTestData.modelDirectory)
    nonisolated(unsafe) static var decoded: [String: RGBImage] = [:]

    func goldens() throws -> Goldens {
        guard let g = DlibGoldenTests.goldens else { XCTFail("Fixtures/dlib-goldens.json missing or unreadable"); throw CocoaError(.fileReadCorruptFile) }
        return g
    }

    func engine() throws -> FaceEngine {
        guard let e = DlibGoldenTests.engine else {
            XCTFail("cannot load the models from \(FaceTestData.modelDirectory.path): run `exposure models fetch`")
            throw CocoaError(.fileNoSuchFile)
        }
        return e
    }

    static func source(_ name: String) throws -> RGBImage {
        if let image = decoded[name] { return image }
        let data = try Data(contentsOf: FaceTestData.imageDirectory.appendingPathComponent(name))
        let image = try ImageDecoder.decode(data)
        decoded[name] = image
        return image
    }

    /// img[::k, ::k]
    static func decimate(_ image: RGBImage, _ k: Int) -> RGBImage {
        let w = (image.width + k - 1) / k, h = (image.height + k - 1) / k
        var pixels = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h { for x in 0..<w { for c in 0..<3 {
            pixels[3 * (y * w + x) + c] = image.pixels[3 * ((y * k) * image.width + x * k) + c]
        } } }
        return RGBImage(width: w, height: h, pixels: pixels)
    }

    static func mirror(_ image: RGBImage) -> RGBImage {
        var pixels = image.pixels
        for y in 0..<image.height { for x in 0..<image.width { for c in 0..<3 {
            pixels[3 * (y * image.width + x) + c] = image.pixels[3 * (y * image.width + image.width - 1 - x) + c]
        } } }
        return RGBImage(width: image.width, height: image.height, pixels: pixels)
    }

    static func derive(_ recipe: Goldens.Recipe) throws -> RGBImage {
        switch recipe.kind {
        case "original": return try source(recipe.source ?? "")
        case "scaled": return decimate(try source(recipe.source ?? ""), recipe.factor ?? 1)
        case "mirrored": return mirror(decimate(try source(recipe.source ?? ""), recipe.factor ?? 1))
        case "collage":
            let w = recipe.width ?? 0, h = recipe.height ?? 0
            var canvas = RGBImage(width: w, height: h, fill: UInt8(recipe.fill ?? 0))
            for piece in recipe.pieces ?? [] {
                let img = decimate(try source(piece.source), piece.factor)
                for y in 0..<min(img.height, h - piece.y) { for x in 0..<min(img.width, w - piece.x) { for c in 0..<3 {
                    canvas.pixels[3 * ((piece.y + y) * w + piece.x + x) + c] = img.pixels[3 * (y * img.width + x) + c]
                } } }
            }
            return canvas
        default:
            throw CocoaError(.featureUnsupported)
        }
    }

    static func box(_ b: [Int]) -> DetectedFace.Box { DetectedFace.Box(left: b[0], top: b[1], right: b[2], bottom: b[3]) }

    func testDecodedAndDerivedPixelsMatchTheScript() throws {
        let g = try goldens()
        for (name, sha) in g.decodedSHA256.sorted(by: { $0.key < $1.key }) {
            XCTAssertEqual(PureSHA256.hex(try DlibGoldenTests.source(name).pixels), sha, "decoded pixels of \(name) differ from djpeg's")
        }
        var seen = Set<String>()
        for c in g.cases where seen.insert(c.name).inserted {
            let image = try DlibGoldenTests.derive(c.recipe)
            XCTAssertEqual([image.width, image.height], [c.width, c.height], c.name)
            XCTAssertEqual(PureSHA256.hex(image.pixels), c.sha256, "derived image \(c.name) differs from the script's")
        }
    }

    /// Landmarks from dlib's boxes are identical; descriptors from dlib's landmarks within 1e-3.
    func testLandmarksAndDescriptorsMatchDlib() throws {
        let g = try goldens(), engine = try engine()
        var maxDistance: Float = 0, faces = 0
        for c in g.cases where !c.faces.isEmpty {
            let image = try DlibGoldenTests.derive(c.recipe)
            for face in c.faces {
                let marks = engine.landmarks(in: image, box: DlibGoldenTests.box(face.box))
                XCTAssertEqual(marks.map { [$0.x, $0.y] }, face.landmarks, "\(c.name) upsample \(c.upsample) box \(face.box)")
                let golden = face.landmarks.map { DetectedFace.Point(x: $0[0], y: $0[1]) }
                guard let descriptor = engine.recognizer.descriptors(for: image, landmarks: [golden]).first else { return XCTFail() }
                let d = FaceEngine.distance(descriptor, face.descriptor)
                XCTAssertLessThanOrEqual(d, 1e-3, "\(c.name) descriptor")
                maxDistance = max(maxDistance, d)
                faces += 1
            }
        }
        XCTAssertGreaterThan(faces, 10)
        print("fidelity: \(faces) faces, max descriptor L2 distance to dlib \(maxDistance)")
    }

    /// The whole pipeline (detector included) on the small derived images, both upsample levels.
    func testPipelineMatchesDlibOnDerivedImages() throws {
        let g = try goldens(), engine = try engine()
        var maxConfidenceError: Float = 0, maxDistance: Float = 0, checked = 0
        for c in g.cases where c.recipe.kind != "original" {
            let image = try DlibGoldenTests.derive(c.recipe)
            let found = engine.faces(in: image, upsample: c.upsample)
            XCTAssertEqual(found.map { [$0.box.left, $0.box.top, $0.box.right, $0.box.bottom] }, c.faces.map(\.box),
                           "\(c.name) upsample \(c.upsample): boxes")
            guard found.count == c.faces.count else { continue }
            for (ours, theirs) in zip(found, c.faces) {
                XCTAssertEqual(ours.confidence, theirs.confidence, accuracy: 1e-3, "\(c.name) confidence")
                XCTAssertEqual(ours.landmarks.map { [$0.x, $0.y] }, theirs.landmarks, "\(c.name) landmarks")
                maxConfidenceError = max(maxConfidenceError, abs(ours.confidence - theirs.confidence))
                let d = FaceEngine.distance(ours.descriptor, theirs.descriptor)
                XCTAssertLessThanOrEqual(d, 1e-3, "\(c.name) descriptor")
                maxDistance = max(maxDistance, d)
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 10)
        print("fidelity: \(checked) detected faces, max |confidence error| \(maxConfidenceError), max descriptor L2 \(maxDistance)")
    }

    /// face_recognition 1.3.0's own test expectations, through our pipeline.
    func testFaceRecognitionExpectations() throws {
        let engine = try engine()
        let obama = try DlibGoldenTests.source("obama.jpg")
        let up0 = engine.faces(in: obama, upsample: 0)
        XCTAssertEqual(up0.count, 1)
        // face_recognition's (top, right, bottom, left) = (154, 611, 390, 375), trimmed to the image.
        if let f = up0.first {
            XCTAssertEqual([max(f.box.top, 0), min(f.box.right, obama.width), min(f.box.bottom, obama.height), max(f.box.left, 0)],
                           [154, 611, 390, 375])
        }
        let up1 = engine.faces(in: obama, upsample: 1)
        XCTAssertEqual(up1.count, 1)
        if let f = up1.first {
            for (ours, expected) in zip([f.box.top, f.box.right, f.box.bottom, f.box.left], [144, 608, 389, 363]) {
                XCTAssertLessThanOrEqual(abs(ours - expected), 25)
            }
        }
        let g = try goldens()
        func descriptor(_ name: String) throws -> [Float] {
            // the big photos: dlib's box (detection is covered above and by the derived images)
            guard let c = g.cases.first(where: { $0.name == name && $0.upsample == 0 }), let face = c.faces.first else {
                XCTFail("no golden face for \(name)"); return []
            }
            let image = try DlibGoldenTests.derive(c.recipe)
            return engine.descriptors(for: image, boxes: [DlibGoldenTests.box(face.box)])[0].descriptor
        }
        let obamas = try [up0[0].descriptor, descriptor("obama2"), descriptor("obama3")]
        let biden = try descriptor("biden")
        for i in 0..<3 {
            for j in 0..<3 where i != j { XCTAssertLessThan(FaceEngine.distance(obamas[i], obamas[j]), 0.6) }
            XCTAssertGreaterThan(FaceEngine.distance(obamas[i], biden), 0.6)
        }
    }
}
