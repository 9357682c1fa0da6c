import DemoArchive
import ExposureModel
import ExposureTestSupport
import FaceAnalysis
import Foundation
import MediaMetadata
import XCTest

/// `exposure faces` runs every image in an analysis worker, as the scan does: the same faces as
/// the search in process, and a crashing decoder costs that image only.
final class FacesCommandTests: XCTestCase {
    func testFacesComeFromAWorkerAndACrashCostsOneImage() throws {
        let engine = try XCTUnwrap(try? FaceEngine(modelDirectory: ModelStore().directory, verifyChecksums: false),
                                   "models missing: run `exposure models fetch`")
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let obama = DemoExport.testImageDirectory.appendingPathComponent("obama.jpg")
        let crash = dir.appendingPathComponent("crash-me.jpg")
        try FileManager.default.copyItem(at: obama, to: crash)

        let run = try ScanProcess.run(["faces", "--json", obama.path, crash.path], environment: ["EXPOSURE_TEST_CRASH_ON": "crash-me"])
        XCTAssertEqual(run.status, 1, "one image failed: \(run.err)")
        XCTAssertTrue(run.err.contains("crash-me.jpg: worker crashed (signal 6, SIGABRT)"), run.err)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
        XCTAssertEqual(json["schema"] as? String, "exposure.faces/2")
        let images = try XCTUnwrap(json["images"] as? [[String: Any]])
        XCTAssertEqual(images.count, 1)
        XCTAssertEqual(images[0]["path"] as? String, "obama.jpg", "absolute paths are shown by file name only")

        let image = try ImageDecoder.decode(try Data(contentsOf: obama))
        XCTAssertEqual(images[0]["width"] as? Int, image.width)
        XCTAssertEqual(images[0]["height"] as? Int, image.height)
        let expected = try FaceSearch(method: .fast).faces(in: image, engine: engine)
        let faces = try XCTUnwrap(images[0]["faces"] as? [[String: Any]])
        XCTAssertEqual(faces.count, expected.count)
        XCTAssertEqual(faces.count, 1)
        let box = try XCTUnwrap(faces[0]["box"] as? [String: Int])
        XCTAssertEqual(box["left"], expected[0].box.left)
        XCTAssertEqual(box["bottom"], expected[0].box.bottom)
        let descriptor = try XCTUnwrap(faces[0]["descriptor"] as? [Double]).map(Float.init)
        XCTAssertLessThan(FaceEngine.distance(descriptor, expected[0].descriptor), 1e-4)

        // dlib's own search over the whole image: face_recognition's results.
        let dlib = try ScanProcess.run(["faces", "--search", "dlib", obama.path])
        XCTAssertEqual(dlib.status, 0, dlib.err)
        let reference = engine.faces(in: image, upsample: 1)
        XCTAssertTrue(dlib.out.hasPrefix("obama.jpg: \(image.width)x\(image.height), \(reference.count) face"), dlib.out)
        XCTAssertTrue(dlib.out.contains("box left \(reference[0].box.left) top \(reference[0].box.top)"), dlib.out)
    }
}
