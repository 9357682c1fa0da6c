import ExposureModel
import ExposureStore
import ExposureTestSupport
import Foundation
import MediaMetadata
import XCTest

/// `scan --upsample` on a photo whose search would not fit the worker's memory: one clear line
/// (what it needs, the worker's limit, which upsampling fits), the photo recorded as skipped with
/// that reason, never a Swift fatal error and stack trace from the worker; the photos that fit are scanned.
final class WorkerMemoryTests: XCTestCase {
    func testUpsampleBeyondTheWorkersMemoryIsAClearSkip() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let export = dir.appendingPathComponent("export")
        try FileManager.default.createDirectory(at: export, withIntermediateDirectories: true)
        try ScanProcess.testImage("obama.jpg").write(to: export.appendingPathComponent("big.jpg"))   // 910x1137: 9.7 GiB at upsample 3
        let small = RGBImage(width: 320, height: 240, pixels: (0..<(320 * 240 * 3)).map { UInt8(truncatingIfNeeded: $0 * 7) })
        try ImageEncoder.jpeg(small, quality: 90).write(to: export.appendingPathComponent("small.jpg"))   // 1.2 GiB at upsample 3
        let db = dir.appendingPathComponent("inv.sqlite").path
        let run = try ScanProcess.run(["scan", export.path, "--db", db, "--search", "dlib", "--upsample", "3", "--jobs", "1",
                                       "--worker-memory", "4"])
        XCTAssertEqual(run.status, 0, run.err)
        let reason = "faces not searched: 910x1137 at --upsample 3 needs about 9.7 GiB, more than the worker's 4.0 GiB memory limit: use a lower --upsample (2 fits)"
        XCTAssertTrue(run.err.contains("big.jpg: \(reason)"), run.err)
        XCTAssertFalse(run.err.contains("Fatal error"), run.err)
        XCTAssertFalse(run.err.contains("worker crashed"), run.err)
        XCTAssertTrue(run.out.contains("Items written: 1"), run.out)
        let snapshot = try InventoryDatabase(path: db).snapshot()
        XCTAssertEqual(snapshot.files.map(\.path), ["small.jpg"])
        XCTAssertEqual(snapshot.skipped.map(\.path), ["big.jpg"])
        XCTAssertEqual(snapshot.skipped.first?.reason, reason)
    }
}
