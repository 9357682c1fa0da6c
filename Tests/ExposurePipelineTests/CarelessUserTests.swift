import ExposureModel
@testable import ExposureStore
import ExposureTestSupport
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Exposure in a careless user's hands: one test per point of the "nothing lost, nothing
/// misleading" issue, each written from its reproduction (issue 22) and run through the binary as
/// a user runs it. The demo (`exposure demo`) is run once; its exports and inventories are the
/// material of the other tests.
final class CarelessUserTests: XCTestCase {
    static var work: URL!
    /// The demo's inventories (faces searched) and the export folder the first was scanned from.
    static var before = "", after = "", export = ""
    static var demoRun: ScanProcess.Run?

    override class func setUp() {
        super.setUp()
        do {
            work = try TestSupport.temporaryDirectory("exposure-careless")
            demoRun = try ScanProcess.run(["demo", "--out", work.appendingPathComponent("demo").path])
            let demoWork = work.appendingPathComponent("demo/demo-work")
            before = demoWork.appendingPathComponent("before.sqlite").path
            after = demoWork.appendingPathComponent("after.sqlite").path
            export = demoWork.appendingPathComponent("facebook-demo-before").path
        } catch {
            XCTFail("demo failed: \(error)")
        }
    }

    override class func tearDown() {
        if let work { try? FileManager.default.removeItem(at: work) }
        super.tearDown()
    }

    func exposure(_ args: String...) throws -> ScanProcess.Run { try ScanProcess.run(args) }

    func folder(_ name: String) throws -> URL {
        let url = Self.work.appendingPathComponent(name + "-" + UUID().uuidString.prefix(8))
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func sha256(_ path: String) throws -> String {
        PureSHA256.digest(try Data(contentsOf: URL(fileURLWithPath: path))).map { String(format: "%02x", $0) }.joined()
    }

    func summaryJSON(_ path: String) throws -> [String: Any] {
        let run = try exposure("summary", "--json", path)
        XCTAssertEqual(run.status, 0, run.err)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
    }

    func items(_ json: [String: Any]) -> Int? { (json["items"] as? [String: Any])?["total"] as? Int }
    func detected(_ json: [String: Any]) -> Int? { (json["faces"] as? [String: Any])?["detected"] as? Int }

    /// A --no-faces scan of the demo export into a new inventory in `dir`.
    func noFacesInventory(in dir: URL) throws -> String {
        let db = dir.appendingPathComponent("nofaces.sqlite").path
        let run = try exposure("scan", "--no-faces", Self.export, "--db", db)
        XCTAssertEqual(run.status, 0, run.err)
        return db
    }

    // MARK: 1. One self-contained file

    /// `cp me.sqlite usb/` after `scan` or `demo` used to copy a 4 KiB file holding nothing ("Items: 0"),
    /// and `mv me.sqlite old.sqlite` lost everything. After every command that wrote, the file alone
    /// is the inventory, also after Ctrl-C.
    func testInventoryFileAloneIsWholeAfterScanDemoAndInterrupt() throws {
        XCTAssertEqual(Self.demoRun?.status, 0, Self.demoRun?.err ?? "")
        let dir = try folder("copy")
        // After the demo: the file alone, copied elsewhere.
        for db in [Self.before, Self.after] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: db + "-wal"), "no write-ahead log is left beside \(db)")
            let copy = dir.appendingPathComponent("copy-" + (db as NSString).lastPathComponent).path
            try FileManager.default.copyItem(atPath: db, toPath: copy)
            let original = try summaryJSON(db), copied = try summaryJSON(copy)
            XCTAssertGreaterThan(items(copied) ?? 0, 0)
            XCTAssertEqual(items(copied), items(original))
            XCTAssertEqual(detected(copied), detected(original))
            XCTAssertGreaterThan(detected(copied) ?? 0, 0)
        }
        XCTAssertEqual(items(try summaryJSON(Self.before)), 14)

        // After a scan: moved away, then a new scan at the old name; the moved file keeps everything.
        let db = try noFacesInventory(in: dir)
        let moved = dir.appendingPathComponent("old.sqlite").path
        try FileManager.default.moveItem(atPath: db, toPath: moved)
        XCTAssertEqual(try exposure("scan", "--no-faces", Self.export, "--db", db).status, 0)
        XCTAssertEqual(items(try summaryJSON(moved)), 14)

        // Ctrl-C during a face scan: one line, exit 130, and the file alone holds what was committed.
        let interrupted = dir.appendingPathComponent("interrupted.sqlite").path
        let run = try ScanProcess.run(["scan", "--jobs", "1", Self.export, "--db", interrupted], interruptWhen: {
            ((try? InventoryDatabase(readingPath: interrupted).snapshot().items.count) ?? 0) >= 3
        })
        XCTAssertEqual(run.status, 130, run.err)
        XCTAssertEqual(run.err.components(separatedBy: "exposure: interrupted").count - 1, 1, "one line: \(run.err)")
        XCTAssertTrue(run.err.contains("run the same command again to resume"), run.err)
        let copy = dir.appendingPathComponent("interrupted-copy.sqlite").path
        try FileManager.default.copyItem(atPath: interrupted, toPath: copy)
        let partial = try summaryJSON(copy)
        XCTAssertGreaterThan(items(partial) ?? 0, 0, "what was scanned before Ctrl-C is in the file alone")
        XCTAssertEqual((partial["scan"] as? [String: Any])?["finished"] as? Bool, false)
        XCTAssertTrue(try ScanProcess.run(["scan", "--jobs", "1", Self.export, "--db", interrupted]).status == 0, "resumes")
        XCTAssertEqual(items(try summaryJSON(interrupted)), 14)
    }

    // MARK: 2. Outputs never destroy inputs

    /// `report me.sqlite -o me.sqlite` replaced the inventory with HTML, `-o export.zip` the export,
    /// `diff a b -o b` the second inventory, with exit 0.
    func testOutputNeverReplacesAnInputAnArchiveOrAForeignFile() throws {
        let dir = try folder("output")
        let db = dir.appendingPathComponent("me.sqlite").path
        try FileManager.default.copyItem(atPath: Self.before, toPath: db)
        let second = dir.appendingPathComponent("after.sqlite").path
        try FileManager.default.copyItem(atPath: Self.after, toPath: second)
        let zip = dir.appendingPathComponent("export.zip").path
        _ = try StoredZip.write(["photos/a.jpg": Data([0xFF, 0xD8, 0xFF, 0xD9])], to: URL(fileURLWithPath: zip))
        let notes = dir.appendingPathComponent("notes.txt").path
        try Data("my notes\n".utf8).write(to: URL(fileURLWithPath: notes))
        let protected = [db, second, zip, notes]
        let hashes = try protected.map(sha256)

        for (args, what) in [(["report", db, "-o", db], "inputs"), (["report", db, "-o", zip], "zip archive"),
                             (["diff", db, second, "-o", second], "inputs"), (["report", db, "-o", notes], "not a report Exposure wrote"),
                             (["report", db, "-o", dir.path], "is a folder"),
                             (["report", db, "-o", dir.appendingPathComponent("no/such/folder.html").path], "does not exist"),
                             (["report", db, "-o", second], "SQLite")] {
            let run = try ScanProcess.run(args)
            XCTAssertEqual(run.status, 2, "\(args): \(run.err)")
            XCTAssertTrue(run.err.contains(what), "\(args): \(run.err)")
        }
        XCTAssertEqual(try protected.map(sha256), hashes, "every input and foreign file byte-identical")
        XCTAssertEqual(try exposure("report", db, "-o", db, "--force").status, 2, "--force never overwrites an input")

        // Its own earlier report is replaced; a foreign file only with --force; no temporary file is left.
        let page = dir.appendingPathComponent("me.html").path
        XCTAssertEqual(try exposure("report", db, "-o", page).status, 0)
        XCTAssertEqual(try exposure("report", db, "-o", page).status, 0)
        XCTAssertEqual(try exposure("diff", db, second, "-o", page).status, 0)
        XCTAssertEqual(try exposure("report", db, "-o", notes, "--force").status, 0)
        XCTAssertTrue(try String(contentsOfFile: notes, encoding: .utf8).contains("<meta name=\"generator\" content=\"Exposure\">"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }, [])
    }

    // MARK: 3. Reading never writes

    /// `summary other.db` added 16 tables to another application's database (and printed 118 lines of
    /// SQL when it had a table named `item`); an inventory on read-only media could not be read.
    func testReadingNeverWritesAndRefusesWhatIsNotAnInventory() throws {
        let dir = try folder("foreign")
        let other = dir.appendingPathComponent("other.db").path
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('create table item(id integer, note text)'); c.execute(\"insert into item values (1, 'x')\"); c.commit()", other]
        try python.run(); python.waitUntilExit()
        let text = dir.appendingPathComponent("notes.sqlite").path
        try Data("not a database\n".utf8).write(to: URL(fileURLWithPath: text))
        for file in [other, text] {
            let hash = try sha256(file)
            for args in [["summary", file], ["summary", "--json", file], ["report", file, "-o", dir.appendingPathComponent("r.html").path],
                         ["plan", file], ["diff", file, Self.before], ["scan", "--no-faces", Self.export, "--db", file],
                         ["scan", "--no-faces", Self.export, "--db", dir.appendingPathComponent("new.sqlite").path, "--reuse", file]] {
                let run = try ScanProcess.run(args)
                XCTAssertEqual(run.status, 2, "\(args): \(run.err)")
                XCTAssertTrue(run.err.contains("is not an Exposure inventory"), "\(args): \(run.err)")
                XCTAssertFalse(run.err.contains("SQLite error") || run.out.contains("CREATE"), run.err)
            }
            XCTAssertEqual(try sha256(file), hash, "\(file) byte-identical")
            XCTAssertFalse(FileManager.default.fileExists(atPath: file + "-wal"))
            XCTAssertFalse(FileManager.default.fileExists(atPath: file + "-shm"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("new.sqlite").path))

        // Reading an inventory leaves it byte-identical and creates nothing beside it.
        let db = dir.appendingPathComponent("me.sqlite").path
        try FileManager.default.copyItem(atPath: Self.before, toPath: db)
        let hash = try sha256(db)
        XCTAssertEqual(try exposure("summary", db).status, 0)
        XCTAssertEqual(try exposure("plan", db).status, 0)
        XCTAssertEqual(try exposure("report", db, "-o", dir.appendingPathComponent("me.html").path).status, 0)
        XCTAssertEqual(try sha256(db), hash)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("me.sqlite") }, ["me.sqlite"])

        // On a read-only bind mount (a user and mount namespace of the test's own).
        let media = try folder("readonly")
        try FileManager.default.copyItem(atPath: Self.before, toPath: media.appendingPathComponent("me.sqlite").path)
        let script = "mount --bind -o ro '\(media.path)' '\(media.path)' && touch '\(media.path)/probe' 2>/dev/null; "
            + "'\(ScanProcess.binary.path)' summary --json '\(media.path)/me.sqlite'"
        let ro = try ScanProcess.run(["-rm", "sh", "-c", script], executable: "/usr/bin/unshare")
        XCTAssertEqual(ro.status, 0, ro.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: media.appendingPathComponent("probe").path), "the mount was read-only")
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(ro.out.utf8)) as? [String: Any])
        XCTAssertEqual(items(json), 14)

        // An inventory of an earlier version: refused with the way to bring it up to date, which works.
        let old = dir.appendingPathComponent("old.sqlite").path
        try FileManager.default.copyItem(atPath: Self.before, toPath: old)
        do {
            let pool = try InventoryDatabase(path: old)
            try pool.execute("DELETE FROM grdb_migrations WHERE identifier = 'v8-scan-state'; DELETE FROM setting WHERE key = 'scan_state'; PRAGMA application_id = 0; PRAGMA user_version = 0")
            pool.close()
        }
        let oldHash = try sha256(old)
        let refused = try exposure("summary", old)
        XCTAssertEqual(refused.status, 2, refused.err)
        XCTAssertTrue(refused.err.contains("exposure upgrade \(old)"), refused.err)
        XCTAssertEqual(try sha256(old), oldHash)
        XCTAssertEqual(try exposure("upgrade", old).status, 0)
        let upgraded = try summaryJSON(old)
        XCTAssertEqual(items(upgraded), 14)
        XCTAssertEqual((upgraded["scan"] as? [String: Any])?["finished"] as? Bool, true, "analysed by the earlier version: its scan had finished")
    }

    // MARK: 4. Honest state

    /// A --no-faces inventory's report said "No photos of your face found among 13 photos", `summary`
    /// "Faces: 0", `plan` planned 0 deletions; an interrupted scan read as finished with "Findings: none".
    func testNoFacesAndUnfinishedInventoriesSaySoInsteadOfZeros() throws {
        let dir = try folder("honest")
        let db = try noFacesInventory(in: dir)
        let json = try summaryJSON(db)
        XCTAssertEqual(json["schema"] as? String, "exposure.summary/5")
        let scan = try XCTUnwrap(json["scan"] as? [String: Any])
        XCTAssertEqual(scan["faces_searched"] as? Bool, false)
        XCTAssertEqual(scan["finished"] as? Bool, true)
        XCTAssertTrue(json["faces"] is NSNull, "faces: null, not zeros")
        XCTAssertTrue(json["videos"] is NSNull)
        XCTAssertEqual(items(json), 14)
        let text = try exposure("summary", db).out
        XCTAssertTrue(text.contains("Faces: not searched (--no-faces)"), text)
        XCTAssertFalse(text.contains("Faces: 0"), text)
        let page = dir.appendingPathComponent("nofaces.html").path
        XCTAssertEqual(try exposure("report", db, "-o", page).status, 0)
        let html = try String(contentsOfFile: page, encoding: .utf8)
        XCTAssertFalse(html.contains("No photos of your face found"), "a --no-faces report never says no face was found")
        XCTAssertTrue(html.contains("Faces were not searched"))
        let plan = try exposure("plan", db, "--goal", "owner-faces")
        XCTAssertEqual(plan.status, 2, plan.err)
        XCTAssertTrue(plan.err.contains("faces were not searched"), plan.err)
        let all = try exposure("plan", db, "--json")
        XCTAssertEqual(all.status, 0, all.err)
        XCTAssertTrue(all.out.contains("faces were not searched") && !all.out.contains("\"faces.owner.faces\""), all.out)
        let diff = try exposure("diff", Self.before, db)
        XCTAssertEqual(diff.status, 0, diff.err)
        XCTAssertFalse(diff.out.contains("none remain"), diff.out)
        XCTAssertTrue(diff.out.contains("unknown"), diff.out)

        // An unfinished scan (its state as an interrupted or disk-full scan leaves it).
        let unfinished = dir.appendingPathComponent("unfinished.sqlite").path
        try FileManager.default.copyItem(atPath: Self.before, toPath: unfinished)
        do {
            let store = try InventoryDatabase(path: unfinished)
            try store.recordScanState(finished: false)
            store.close()
        }
        let partial = try summaryJSON(unfinished)
        XCTAssertEqual((partial["scan"] as? [String: Any])?["finished"] as? Bool, false)
        XCTAssertTrue(partial["findings"] is NSNull && partial["faces"] is NSNull)
        let partialText = try exposure("summary", unfinished).out
        XCTAssertTrue(partialText.contains("unfinished scan") && partialText.contains("run the same command again to resume"), partialText)
        XCTAssertFalse(partialText.contains("Findings: none"), partialText)
        XCTAssertEqual(try exposure("plan", unfinished).status, 2)
        XCTAssertEqual(try exposure("report", unfinished, "-o", dir.appendingPathComponent("u.html").path).status, 0)
        XCTAssertTrue(try String(contentsOfFile: dir.appendingPathComponent("u.html").path, encoding: .utf8).contains("Unfinished scan"))
        let unfinishedDiff = try exposure("diff", Self.before, unfinished)
        XCTAssertTrue(unfinishedDiff.out.contains("unfinished scan"), unfinishedDiff.out)
    }

    // MARK: 5. diff checks that the inventories belong together

    /// A Facebook export against a folder of two photos: "Deleting 14 items removed no labelled photos
    /// of you; none remain", exit 0.
    func testDiffRefusesUnrelatedInventoriesUnlessForced() throws {
        let dir = try folder("unrelated")
        let photos = dir.appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        for (i, name) in ["obama2.jpg", "biden.jpg"].enumerated() {
            var bytes = try ScanProcess.testImage(name)
            bytes.append(UInt8(i))   // bytes of their own: no content in common with the demo
            try bytes.write(to: photos.appendingPathComponent("p\(i).jpg"))
        }
        let folderDB = dir.appendingPathComponent("folder.sqlite").path
        XCTAssertEqual(try exposure("scan", "--no-faces", photos.path, "--db", folderDB).status, 0)
        let refused = try exposure("diff", Self.before, folderDB)
        XCTAssertEqual(refused.status, 2, refused.err)
        XCTAssertTrue(refused.err.contains("do not look like one person's exports") && refused.err.contains("--force"), refused.err)
        XCTAssertFalse(refused.out.contains("none remain"))
        XCTAssertEqual(try exposure("diff", Self.before, folderDB, "--force").status, 0)
        XCTAssertEqual(try exposure("diff", Self.before, Self.after).status, 0, "the demo's before and after belong together")
    }

    // MARK: 6. Every flag checked before any work

    /// `--upsample 6` crashed a worker with a 13.7 GB allocation and exit 0; `--upsample=-2` was stored
    /// in the inventory; `--jobs 1000` started 1000 workers; `--me` without a face failed after the scan.
    func testAbsurdFlagsAreUsageErrorsWithinSecondsAndStoreNothing() throws {
        let dir = try folder("flags")
        let db = dir.appendingPathComponent("me.sqlite").path
        let blank = dir.appendingPathComponent("blank.jpg")
        let ffmpeg = Process()
        ffmpeg.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        ffmpeg.arguments = ["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "color=c=gray:s=320x240", "-frames:v", "1", blank.path]
        try ffmpeg.run(); ffmpeg.waitUntilExit()
        XCTAssertEqual(ffmpeg.terminationStatus, 0)
        let cases: [[String]] = [
            ["--upsample", "6"], ["--upsample=-2"], ["--jobs", "1000"], ["--jobs", "0"], ["--smallest-face", "5"],
            ["--file-timeout", "0"], ["--file-timeout", "1e9"], ["--worker-memory", "100000"], ["--search", "slow"],
            ["--search", "fast", "--upsample", "2"], ["--no-faces", "--me", blank.path], ["--no-faces", "--upsample", "0"],
            ["--upsample", "0", "--smallest-face", "80"], ["--me", dir.path],
        ]
        for extra in cases {
            let run = try ScanProcess.run(["scan", Self.export, "--db", db] + extra)
            XCTAssertEqual(run.status, 2, "\(extra): \(run.err)")
            XCTAssertLessThan(run.seconds, 5, "\(extra)")
            XCTAssertFalse(run.err.contains("Fatal error") || run.err.contains("Usage: exposure worker"), run.err)
            XCTAssertFalse(FileManager.default.fileExists(atPath: db), "\(extra): nothing stored")
        }
        // --me is decoded and searched before the scan: a photo without a face is refused, no inventory made.
        let noFace = try ScanProcess.run(["scan", Self.export, "--db", db, "--me", blank.path])
        XCTAssertEqual(noFace.status, 2, noFace.err)
        XCTAssertTrue(noFace.err.contains("no face found"), noFace.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: db))
        // Two people side by side: not "a photo of you".
        let two = dir.appendingPathComponent("two.jpg")
        let faces = dir.appendingPathComponent("obama.jpg"), other = dir.appendingPathComponent("biden.jpg")
        try ScanProcess.testImage("obama.jpg").write(to: faces)
        try ScanProcess.testImage("biden.jpg").write(to: other)
        let join = Process()
        join.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        join.arguments = ["ffmpeg", "-loglevel", "error", "-y", "-i", faces.path, "-i", other.path, "-filter_complex",
                          "[0]scale=-2:400,setsar=1[a];[1]scale=-2:400,setsar=1[b];[a][b]hstack", two.path]
        try join.run(); join.waitUntilExit()
        let twoFaces = try ScanProcess.run(["scan", Self.export, "--db", db, "--me", two.path])
        XCTAssertEqual(twoFaces.status, 2, twoFaces.err)
        XCTAssertTrue(twoFaces.err.contains("2 faces in that photo"), twoFaces.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: db))
        XCTAssertEqual(try exposure("plan", Self.before, "--limit", "0").status, 2)
        XCTAssertEqual(try exposure("faces", "--upsample", "9", blank.path).status, 2)
        let help = try exposure("scan", "--help").out
        let words = help.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        XCTAssertTrue(words.contains("1-\(min(2 * ProcessInfo.processInfo.activeProcessorCount, Int(ProcessInfo.processInfo.physicalMemory >> 30)))") && words.contains("six model files"), help)
    }

    // MARK: 7. Messages a person understands

    /// "SQLite error 26: file is not a database - while executing `PRAGMA synchronous = NORMAL`", disk
    /// full without the next step, an export given twice as 19 "duplicate name" lines, an empty folder
    /// exiting 0.
    func testMessagesNameTheFileAndTheNextStep() throws {
        let dir = try folder("messages")
        // An export given twice: one line, scanned once.
        let twice = dir.appendingPathComponent("twice.sqlite").path
        let run = try exposure("scan", "--no-faces", Self.export, Self.export + "/", "--db", twice)
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertEqual(run.err.components(separatedBy: "given twice").count - 1, 1, run.err)
        XCTAssertFalse(run.err.contains("duplicate"), run.err)
        XCTAssertEqual(items(try summaryJSON(twice)), 14)

        // An empty folder: exit 3, and no empty inventory left to be mistaken for a result.
        let empty = dir.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let none = dir.appendingPathComponent("none.sqlite").path
        let emptyRun = try exposure("scan", "--no-faces", empty.path, "--db", none)
        XCTAssertEqual(emptyRun.status, 3, emptyRun.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: none))

        // The disk fills up during the scan (a 160 KiB tmpfs in a mount namespace of the test's own).
        let full = try folder("full")
        let script = "mount -t tmpfs -o size=160k tmpfs '\(full.path)' && '\(ScanProcess.binary.path)' scan --no-faces '\(Self.export)' --db '\(full.path)/me.sqlite'"
        let diskFull = try ScanProcess.run(["-rm", "sh", "-c", script], executable: "/usr/bin/unshare")
        XCTAssertEqual(diskFull.status, 1, diskFull.err)
        XCTAssertTrue(diskFull.err.contains("disk is full") && diskFull.err.contains("rerun the same command to resume"), diskFull.err)
        for raw in ["SQLite error", "NSCocoaErrorDomain", "Fatal error", "while executing"] {
            XCTAssertFalse(diskFull.err.contains(raw), diskFull.err)
        }
        // A missing inventory, a folder as inventory: the path and what to do.
        let missing = try exposure("summary", dir.appendingPathComponent("nope.sqlite").path)
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.err.contains("exposure scan"), missing.err)
        let folderAsDB = try exposure("summary", dir.path)
        XCTAssertEqual(folderAsDB.status, 2)
        XCTAssertTrue(folderAsDB.err.contains("is a folder"), folderAsDB.err)
    }
}

