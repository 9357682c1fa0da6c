import Foundation
import XCTest
@testable import FaceAnalysis

/// Locates the cached model files and test images (created by scripts/setup and
/// `exposure models fetch`). Tests FAIL when they are missing: CI runs setup first.
enum FaceTestData {
    static var cacheRoot: URL {
        if let xdg = ProcessInfo.processInfo.environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg).appendingPathComponent("exposure")
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/exposure")
    }
    static var modelDirectory: URL { cacheRoot.appendingPathComponent("models") }
    static var imageDirectory: URL { cacheRoot.appendingPathComponent("testdata/face_recognition-1.3.0") }

    static func model(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        let url = modelDirectory.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            XCTFail("missing model \(url.path): run `exposure models fetch`", file: file, line: line)
            throw CocoaError(.fileNoSuchFile)
        }
        return url
    }

    static let resnetFile = "dlib_face_recognition_resnet_model_v1.dat"
    static let detectorFile = "mmod_human_face_detector.dat"
    static let shapeFile = "shape_predictor_5_face_landmarks.dat"

    /// The engine the face tests share (loaded once, proposal network included); fails the test
    /// when the models are missing.
    static func engine(file: StaticString = #filePath, line: UInt = #line) throws -> FaceEngine {
        guard let e = DlibGoldenTests.engine, e.proposalNetwork != nil else {
            XCTFail("cannot load the models from \(modelDirectory.path): run `exposure models fetch`", file: file, line: line)
            throw CocoaError(.fileNoSuchFile)
        }
        return e
    }
}
