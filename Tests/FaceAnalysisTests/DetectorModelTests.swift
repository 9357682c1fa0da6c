import XCTest
import Foundation
import ExposureModel
import MediaMetadata
import NeuralNet
@testable import FaceAnalysis

/// The full CNN detector (loaded network + this module's pre- and post-processing) against
/// dlib-bin 20.0.1's `cnn_face_detection_model_v1(img, upsample)` on face_recognition's obama.jpg.
///
/// dlib's numbers were measured on the same pixels the test decodes (libjpeg-turbo's `djpeg -ppm`,
/// which MediaMetadata matches; dlib's own bundled libjpeg differs in 40 of 3.1 M values), with:
///     img = <djpeg decode>; [(d.rect, d.confidence) for d in det(img, upsample)]
final class DetectorModelTests: XCTestCase {
    struct Expected { var upsample: Int; var box: DetectedFace.Box; var confidence: Float }

    static let obama: [Expected] = [
        Expected(upsample: 0, box: DetectedFace.Box(left: 375, top: 154, right: 611, bottom: 390), confidence: 1.1023917198181152),
        Expected(upsample: 1, box: DetectedFace.Box(left: 354, top: 135, right: 599, bottom: 379), confidence: 1.1056338548660278),
    ]

    static func loadDetector() throws -> FaceDetector {
        let model = try MMODDetectorModel(contentsOf: FaceTestData.model(FaceTestData.detectorFile))
        let network = model.network
        return FaceDetector(options: model.options) { network.forward($0) }
    }

    static func decode(_ name: String) throws -> RGBImage {
        let url = FaceTestData.imageDirectory.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            XCTFail("missing test image \(url.path): run scripts/setup")
            throw CocoaError(.fileNoSuchFile)
        }
        return try ImageDecoder.decode(Data(contentsOf: url))
    }

    func testObamaMatchesDlib() throws {
        let detector = try Self.loadDetector()
        let image = try Self.decode("obama.jpg")
        XCTAssertEqual(image.width, 910); XCTAssertEqual(image.height, 1137)
        for expected in Self.obama {
            let found = detector.detect(image, upsample: expected.upsample)
            XCTAssertEqual(found.count, 1, "upsample \(expected.upsample): \(found)")
            guard let face = found.first else { continue }
            XCTAssertEqual(face.box, expected.box, "upsample \(expected.upsample)")
            XCTAssertEqual(face.confidence, expected.confidence, accuracy: 1e-4, "upsample \(expected.upsample)")
        }
    }
}
