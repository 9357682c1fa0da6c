import ExposureTestSupport
import Foundation
import XCTest

/// The `exposure` binary as a user runs it: exit statuses, hostile archives, and the
/// promise to write nothing but the inventory.
final class ScanCommandTests: XCTestCase {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var binary: URL { packageRoot.appendingPathComponent(".build/debug/exposure") }

    struct Run { var status: Int32; var out: String; var err: String }

    func exposure(_ args: [String], cwd: URL? = nil) throws -> Run {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = args
        if let cwd { p.currentDirectoryURL = cwd }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    func testUsageErrorsExitWithTwo() throws {
        XCTAssertEqual(try exposure(["scan"]).status, 2)
        XCTAssertEqual(try exposure(["scan", "/no/such/export.zip", "--db", "/tmp/x.sqlite"]).status, 2)
        XCTAssertEqual(try exposure(["summary", "/no/such.sqlite"]).status, 2)
    }

    func testNothingScannableExitsWithThree() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let junk = dir.appendingPathComponent("export.zip")
        try Data("this is not an archive".utf8).write(to: junk)
        let run = try exposure(["scan", "--no-faces", "--db", dir.appendingPathComponent("inv.sqlite").path, junk.path])
        XCTAssertEqual(run.status, 3, run.err)
        XCTAssertTrue(run.err.contains("export.zip"), "the message names the archive: \(run.err)")
    }

    /// A zip with a traversal entry, a symlink, a truncated JPEG, a JPEG declaring 60000x60000,
    /// garbage named .jpg and two good photos: the good ones are scanned, each bad one is
    /// reported by name, nothing is written beside the inventory, and it takes seconds.
    func testHostileZipIsScannedAroundItsBadEntries() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let zip = dir.appendingPathComponent("hostile.zip")
        let script = #"""
        import sys, zipfile, struct
        def jpeg(w, h, body=b""):
            sof = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, h, w, 3) + b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"
            return b"\xff\xd8" + sof + body + b"\xff\xd9"
        good = open(sys.argv[2], "rb").read()
        with zipfile.ZipFile(sys.argv[1], "w") as z:
            z.writestr("photos/good1.jpg", good)
            z.writestr("../../escaped.jpg", good)
            info = zipfile.ZipInfo("photos/link.jpg"); info.external_attr = (0o120777 << 16)
            z.writestr(info, "/etc/passwd")
            z.writestr("photos/truncated.jpg", good[: len(good) // 3])
            z.writestr("photos/huge.jpg", jpeg(60000, 60000))
            z.writestr("photos/garbage.jpg", b"\x00\x01garbage" * 100)
            z.writestr("photos/sub/good2.jpg", good[:-2] + b"\xff\xd9" + b"\x00")
        """#
        let testImage = URL(fileURLWithPath: NSHomeDirectory()).appendingPathComponent(".cache/exposure/testdata/face_recognition-1.3.0/biden.jpg")
        let py = Process()
        py.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        py.arguments = ["python3", "-c", script, zip.path, testImage.path]
        try py.run(); py.waitUntilExit()
        XCTAssertEqual(py.terminationStatus, 0)

        let out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let before = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        let start = Date()
        let run = try exposure(["scan", "--no-faces", "--db", out.appendingPathComponent("inv.sqlite").path, zip.path], cwd: out)
        XCTAssertLessThan(Date().timeIntervalSince(start), 60)
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertTrue(run.err.contains("escaped.jpg"), run.err)
        XCTAssertTrue(run.err.contains("link.jpg"), run.err)
        let summary = try exposure(["summary", "--json", out.appendingPathComponent("inv.sqlite").path])
        let json = try JSONSerialization.jsonObject(with: Data(summary.out.utf8)) as! [String: Any]
        let items = json["items"] as! [String: Int]
        XCTAssertEqual(items["total"], 5, "good1, good2, truncated, huge, garbage")
        XCTAssertEqual(items["unreadable"], 3, "truncated, huge, garbage")
        XCTAssertEqual((json["sources"] as! [[String: String]]).first?["platform"], "folder")
        // Nothing but the inventory (and its WAL files) was written.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), before)
        XCTAssertTrue(try FileManager.default.contentsOfDirectory(atPath: out.path).allSatisfy { $0.hasPrefix("inv.sqlite") })
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.deletingLastPathComponent().appendingPathComponent("escaped.jpg").path))
    }

    /// `scan --rules DIR`: a broken rule file stops the scan before anything is written (usage
    /// error, with its file and line), and the scan's closing lines give the findings of the
    /// shipped rules and those added (the option used to be accepted and ignored).
    func testScanUsesItsRulesAndRejectsBrokenOnesFirst() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let photos = dir.appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        let testImage = URL(fileURLWithPath: NSHomeDirectory()).appendingPathComponent(".cache/exposure/testdata/face_recognition-1.3.0/biden.jpg")
        try FileManager.default.copyItem(at: testImage, to: photos.appendingPathComponent("a.jpg"))
        let rules = dir.appendingPathComponent("rules"), broken = dir.appendingPathComponent("broken")
        for folder in [rules, broken] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        try """
        rules:
          - id: every-unknown-audience
            title: Items whose audience nobody knows
            metric: audience.unknown_items
            thresholds: {high: 1}
            why: A test rule.
            action: None.
        """.write(to: rules.appendingPathComponent("extra.yaml"), atomically: true, encoding: .utf8)
        try """
        rules:
          - id: misspelt
            title: A rule on a metric that does not exist
            metric: faces.ownr.labelled
            thresholds: {high: 1}
            why: A test rule.
            action: None.
        """.write(to: broken.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)

        let db = dir.appendingPathComponent("inv.sqlite")
        let refused = try exposure(["scan", "--no-faces", "--rules", broken.path, "--db", db.path, photos.path])
        XCTAssertEqual(refused.status, 2, refused.err)
        XCTAssertTrue(refused.err.contains("bad.yaml:4:13: unknown metric"), refused.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: db.path), "no inventory is created for a scan that cannot run")

        let run = try exposure(["scan", "--no-faces", "--rules", rules.path, "--db", db.path, photos.path])
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertTrue(run.out.contains("\n  [high] every-unknown-audience: 1 items, value 1\n"), run.out)
        let plain = try exposure(["scan", "--no-faces", "--db", dir.appendingPathComponent("plain.sqlite").path, photos.path])
        XCTAssertEqual(plain.status, 0, plain.err)
        XCTAssertFalse(plain.out.contains("every-unknown-audience"), plain.out)
        XCTAssertTrue(plain.out.contains("Findings:"), plain.out)
    }
}
