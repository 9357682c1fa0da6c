import ExposureStore
import ExposureTestSupport
import Foundation
import XCTest

/// A hostile file costs one file: the worker that crashes (a C abort, a Swift trap), blocks or spins
/// on it is killed and replaced, the file is recorded as skipped with the reason, every
/// other file is scanned, and the scan exits 0. The workers' test hooks stand in for the
/// hostile files (EXPOSURE_TEST_*_ON=<part of a file name>).
final class IsolationTests: XCTestCase {
    /// Four good photos and four that make their worker abort, trap, block and spin; --no-faces.
    func testCrashTrapAndHangCostOneFileEach() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let export = dir.appendingPathComponent("export")
        try FileManager.default.createDirectory(at: export, withIntermediateDirectories: true)
        let photo = try ScanProcess.testImage("biden.jpg")
        var names = ["a.jpg", "b.jpg", "crashme.jpg", "c.jpg", "trapme.jpg", "hangme.jpg", "spinme.jpg", "d.jpg"]
        for (i, name) in names.enumerated() {
            // Distinct bytes per file (a trailing byte after EOI), so each is its own item.
            try (photo + Data([UInt8(i)])).write(to: export.appendingPathComponent(name))
        }
        let db = dir.appendingPathComponent("inv.sqlite").path
        let hooks = ["EXPOSURE_TEST_CRASH_ON": "crashme", "EXPOSURE_TEST_TRAP_ON": "trapme", "EXPOSURE_TEST_HANG_ON": "hangme",
                     "EXPOSURE_TEST_SPIN_ON": "spinme"]
        let run = try ScanProcess.run(["scan", export.path, "--db", db, "--no-faces", "--jobs", "2", "--file-timeout", "3"],
                                      environment: hooks)
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertLessThan(run.seconds, 60, "a 3 s stall and 3 s of spinning, not a hang")
        XCTAssertTrue(run.err.contains("crashme.jpg: worker crashed (signal 6, SIGABRT)"), run.err)
        XCTAssertTrue(run.err.contains("trapme.jpg: worker crashed (signal"), run.err)
        XCTAssertTrue(run.err.contains("hangme.jpg: timed out after 3 s\n"), run.err)
        XCTAssertTrue(run.err.contains("spinme.jpg: timed out after 3 s of CPU time"), run.err)
        XCTAssertTrue(run.out.contains("Items written: 4"), run.out)

        let snapshot = try InventoryDatabase(path: db).snapshot()
        let written = Set(snapshot.files.map(\.path))
        names.removeAll { $0.contains("me.jpg") }
        XCTAssertEqual(written, Set(names))
        XCTAssertEqual(snapshot.items.count, 4)
        XCTAssertTrue(snapshot.items.allSatisfy { $0.unreadableReason == nil && $0.embedded?.width != nil },
                      "every written photo was inspected")
        let skipped = Dictionary(uniqueKeysWithValues: snapshot.skipped.map { ($0.path, $0.reason) })
        XCTAssertEqual(skipped["crashme.jpg"], "worker crashed (signal 6, SIGABRT)")
        XCTAssertEqual(skipped["hangme.jpg"], "timed out after 3 s")
        XCTAssertTrue(skipped["trapme.jpg"]?.hasPrefix("worker crashed (signal 4") ?? false, "\(skipped)")
        XCTAssertEqual(skipped["spinme.jpg"], "timed out after 3 s of CPU time")
        XCTAssertEqual(skipped.count, 4)

        // Resuming without the hooks analyses the four files and clears their skips.
        let resume = try ScanProcess.run(["scan", export.path, "--db", db, "--no-faces", "--jobs", "2"])
        XCTAssertEqual(resume.status, 0, resume.err)
        XCTAssertTrue(resume.out.contains("Items written: 4"), resume.out)
        let after = try InventoryDatabase(path: db).snapshot()
        XCTAssertEqual(after.items.count, 8)
        XCTAssertTrue(after.skipped.isEmpty, "\(after.skipped)")
    }

    /// With faces on, a worker that crashes mid-scan is replaced by one that loads the models
    /// again: the photos after the crash still get their faces.
    func testFacesAreFoundAfterAWorkerCrash() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let export = dir.appendingPathComponent("export")
        try FileManager.default.createDirectory(at: export, withIntermediateDirectories: true)
        try ScanProcess.testImage("biden.jpg").write(to: export.appendingPathComponent("1-biden.jpg"))
        try ScanProcess.testImage("obama.jpg").write(to: export.appendingPathComponent("2-crashme.jpg"))
        try ScanProcess.testImage("obama2.jpg").write(to: export.appendingPathComponent("3-obama2.jpg"))
        let db = dir.appendingPathComponent("inv.sqlite").path
        let run = try ScanProcess.run(["scan", export.path, "--db", db, "--jobs", "1", "--upsample", "0"], environment: ["EXPOSURE_TEST_CRASH_ON": "crashme"])
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertTrue(run.err.contains("2-crashme.jpg: worker crashed (signal 6, SIGABRT)"), run.err)
        let snapshot = try InventoryDatabase(path: db).snapshot()
        XCTAssertEqual(Set(snapshot.files.map(\.path)), ["1-biden.jpg", "3-obama2.jpg"])
        XCTAssertTrue(snapshot.items.allSatisfy(\.facesAnalysed))
        XCTAssertEqual(snapshot.faces.count, 2, "one face in each photo")
        XCTAssertTrue(snapshot.faces.allSatisfy { $0.face.descriptor.count == 128 && $0.thumbnail != nil })
    }
}
