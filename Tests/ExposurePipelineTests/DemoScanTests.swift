import ExposureModel
@testable import ExposurePipeline
import ExposureStore
import ExposureTestSupport
import DemoArchive
import FaceAnalysis
import Foundation
@testable import ProcessIsolation
import VideoFrames
import XCTest

/// The whole pipeline on the demo export (real archive reader, Facebook reader, EXIF,
/// face engine, analysis, rules), with numbers known from how the demo is built
/// (see DemoExport.photos()).
final class DemoScanTests: XCTestCase {
    static var work: URL!
    static var beforeDB = "", afterDB = ""
    static var firstScan: ScanOutcome?, rescan: ScanOutcome?

    override class func setUp() {
        super.setUp()
        do {
            work = try TestSupport.temporaryDirectory("exposure-demo-scan")
            let before = try DemoExport.write(into: work, after: false)
            let after = try DemoExport.write(into: work, after: true)
            beforeDB = work.appendingPathComponent("before.sqlite").path
            afterDB = work.appendingPathComponent("after.sqlite").path
            firstScan = try Scanner(options: ScanOptions(inputs: [before], database: beforeDB), progress: SilentProgress()).run()
            var options = ScanOptions(inputs: [after], database: afterDB)
            options.reuse = beforeDB
            rescan = try Scanner(options: options, progress: SilentProgress()).run()
        } catch {
            XCTFail("demo scan failed: \(error)")
        }
    }

    override class func tearDown() {
        if let work { try? FileManager.default.removeItem(at: work) }
        super.tearDown()
    }

    func testInventoryNumbers() throws {
        let s = try Workflows.summary(database: Self.beforeDB, extraRules: nil)
        XCTAssertEqual(s.owner.name, "Barack Obama")
        XCTAssertEqual(s.sources.map(\.platform), ["facebook"])
        XCTAssertEqual(s.sources.map(\.name), ["facebook-demo-before"])
        XCTAssertEqual(s.items.total, 14)
        XCTAssertEqual(s.items.photos, 13)
        XCTAssertEqual(s.items.videos, 1, "the reel")
        XCTAssertEqual(s.items.unreadable, 0)
        XCTAssertEqual(s.items.profilePictures, 1)
        XCTAssertEqual(s.time.itemsWithCaptureTime, 12)
        XCTAssertEqual(s.time.first, "2012-08-10")
        XCTAssertEqual(s.time.last, "2023-04-01")
        XCTAssertEqual(s.location.itemsWithExifGPS, 12)
        XCTAssertEqual(s.location.distinctPlaces, 3, "home, Washington, Paris")
        XCTAssertEqual(s.location.uploadIPs, 4)
        XCTAssertEqual(s.devices.cameraModels, 2)
        XCTAssertEqual(s.devices.serialNumbers, 1)
        XCTAssertEqual(s.devices.ownerNames, 1)
        XCTAssertEqual(s.people.named, 2)
        XCTAssertEqual(s.people.tagInstances, 8)
        XCTAssertEqual(s.people.graphEdges, 1)
    }

    func testFacesOwnerAndFindings() throws {
        let s = try Workflows.summary(database: Self.beforeDB, extraRules: nil)
        // 10 photos show him (the partial face included), 3 show Joe Biden, the landscape none; the
        // reel shows him all along (one track: one face).
        XCTAssertEqual(s.faces.detected, 14)
        XCTAssertEqual(s.faces.itemsWithFaces, 13)
        XCTAssertEqual(s.faces.identities, 2)
        XCTAssertEqual(s.faces.owner.faces, 11)
        // Tagged with his name: the five posts that name him and the picture with both (tag + XMP region).
        XCTAssertEqual(s.faces.owner.labelled, 6)
        // Capture years of his faces: 2012-2017, 2019, 2020, 2022 (the profile picture and the reel have none).
        XCTAssertEqual(s.faces.owner.years, 9)
        XCTAssertEqual(s.faces.owner.firstYear, 2012)
        XCTAssertEqual(s.faces.owner.lastYear, 2022)
        // Every other photo of him, and the reel, is found by a search with the profile picture.
        XCTAssertEqual(s.faces.owner.matchableFromProfile, 10)
        // The reel: 6 s of him, in one track of 6 or more sampled frames; the video rule's first threshold (5 s).
        XCTAssertEqual(s.videos.analysed, 1)
        XCTAssertEqual(s.videos.tracks, 1)
        XCTAssertEqual(s.videos.withOwner, 1)
        XCTAssertEqual(s.videos.withOthers, 0)
        XCTAssertEqual(s.videos.ownerSeconds, 6, accuracy: 0.05)
        XCTAssertEqual(s.findings.first { $0.rule == "owner-face-on-video" }?.severity, .low)
        XCTAssertGreaterThanOrEqual(s.videos.ownerViews, 1)
        XCTAssertEqual(s.faces.others.identities, 1)
        XCTAssertEqual(s.faces.others.faces, 3)
        XCTAssertEqual(s.faces.others.labelled, 2, "the album photo of Biden carries no tag")
        let report = try Workflows.report(database: Self.beforeDB, extraRules: nil, includeThumbnails: true)
        XCTAssertTrue(report.contains("We took the face in your profile pictures to be you."), "the report says why this identity is the owner")
        XCTAssertFalse(report.contains(Self.work.path), "no absolute path of this machine in the report")
        XCTAssertTrue(report.contains("1 video of the 1 searched show your face"), "the video section")
        XCTAssertTrue(report.contains("<img class=\"face poster\""), "the reel's poster frame")
        XCTAssertTrue(report.contains("reel-2021.mp4"))
        // The sampling is recorded with the face search.
        XCTAssertEqual(try InventoryDatabase(path: Self.beforeDB).setting(VideoSampling.settingKey),
                       "every 1 s, keyframes 0.5 s after a sample, at most 300 frames and 60 s per video, longer side 960 px, faces from 40 px, tracked faces followed by the proposal network")
        XCTAssertTrue(report.contains("Search settings: fast: faces from 20 px, MTCNN proposals (thresholds 0.7/0.6/0.6, scale step 0.6), dlib upsample 1 in windows on every pyramid level, faces under 40 px kept from probability 0.9."),
                      "the method section says which faces were looked for")
        let devices = try InventoryDatabase(path: Self.beforeDB).snapshot().devices
        XCTAssertEqual(devices.first { $0.kind == "serial_number" }?.itemCount, 10, "every Canon photo carries the serial")
        XCTAssertEqual(devices.first { $0.kind == "owner_name" }?.itemCount, 1)
        print("demo findings:", s.findings.map { "\($0.rule)=\($0.severity)" })
    }

    func testShippedFindingsAndARuleAddedWithDashDashRules() throws {
        let s = try Workflows.summary(database: Self.beforeDB, extraRules: nil)
        let fired = Dictionary(uniqueKeysWithValues: s.findings.map { ($0.rule, $0) })
        XCTAssertEqual(fired["owner-labelled-faces"]?.value, 6)
        XCTAssertEqual(fired["owner-labelled-faces"]?.severity, .medium, "6 labelled photos: above MegaFace's minimum of 3, below its average")
        XCTAssertEqual(fired["inferred-home"]?.items, 7, "seven night photos at home")
        XCTAssertNotNil(fired["serial-numbers"])
        XCTAssertNotNil(fired["stale-thumbnails"], "the 2020 photo keeps a thumbnail of another picture")
        XCTAssertNotNil(fired["xmp-face-names"])
        XCTAssertNil(fired["tiny-test-rule"])

        let dir = try TestSupport.temporaryDirectory("exposure-rules")
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
        rules:
          - id: tiny-test-rule
            title: Any face at all
            metric: faces.detected
            thresholds: {critical: 1}
            why: A test rule.
            action: None.
        """.write(to: dir.appendingPathComponent("extra.yaml"), atomically: true, encoding: .utf8)
        let withExtra = try Workflows.summary(database: Self.beforeDB, extraRules: dir)
        let extra = withExtra.findings.first { $0.rule == "tiny-test-rule" }
        XCTAssertEqual(extra?.severity, .critical)
        XCTAssertEqual(extra?.value, 14)
        XCTAssertEqual(withExtra.findings.count, s.findings.count + 1)
    }

    func testRescanAfterDeletionReusesEverything() throws {
        XCTAssertEqual(Self.firstScan?.written, 14)
        XCTAssertEqual(Self.rescan?.written, 9)
        XCTAssertEqual(Self.rescan?.reused, 9, "every item of the after export was analysed before")
        let d = try Workflows.diff(before: Self.beforeDB, after: Self.afterDB, extraRules: nil)
        XCTAssertEqual(d.diff.items.removed, 5, "four photos and the reel")
        XCTAssertEqual(d.diff.metrics["videos.with_owner"], .init(before: 1, after: 0))
        XCTAssertEqual(d.diff.items.kept, 9)
        XCTAssertEqual(d.diff.items.added, 0)
    }

    /// An inventory records how faces were searched for; resuming or reusing it with another search
    /// is refused before anything is written (its faces would silently mix two searches).
    func testAnotherFaceSearchCannotResumeOrReuseTheInventory() throws {
        let db = try InventoryDatabase(path: Self.beforeDB)
        XCTAssertEqual(try db.setting(FaceSearch.settingKey), FaceSearch().settingValue)
        XCTAssertEqual(FaceSearch().settingValue, "fast: faces from 20 px, MTCNN proposals (thresholds 0.7/0.6/0.6, scale step 0.6), dlib upsample 1 in windows on every pyramid level, faces under 40 px kept from probability 0.9")
        XCTAssertEqual(FaceSearch(method: .dlib).settingValue, "faces from 40 px, at most 13000000 detector pixels, every 2nd pyramid level")
        let before = Self.work.appendingPathComponent("facebook-demo-before")
        var resume = ScanOptions(inputs: [before], database: Self.beforeDB)
        resume.smallestFace = 80
        XCTAssertThrowsError(try Scanner(options: resume, progress: SilentProgress())) { error in
            XCTAssertEqual("\(error)", "--db \(Self.beforeDB) was scanned looking for fast: faces from 20 px, MTCNN proposals (thresholds 0.7/0.6/0.6, scale step 0.6), dlib upsample 1 in windows on every pyramid level, faces under 40 px kept from probability 0.9; "
                           + "this scan looks for fast: faces from 80 px, MTCNN proposals (thresholds 0.7/0.6/0.6, scale step 0.6), dlib upsample 1 in windows on every pyramid level. "
                           + "Use the same --search, --smallest-face and --upsample as that scan, or a new --db.")
        }
        let fresh = Self.work.appendingPathComponent("other-search.sqlite").path
        var reuse = ScanOptions(inputs: [before], database: fresh)
        reuse.upsample = 0
        reuse.reuse = Self.beforeDB
        XCTAssertThrowsError(try Scanner(options: reuse, progress: SilentProgress())) { error in
            XCTAssertTrue("\(error)".hasPrefix("--reuse \(Self.beforeDB) was scanned looking for fast: faces from 20 px"), "\(error)")
            XCTAssertTrue("\(error)".contains("this scan looks for faces from 80 px, dlib upsample 0 on the full image"), "\(error)")
        }
        XCTAssertEqual(try InventoryDatabase(path: fresh).snapshot().items.count, 0)
        // --no-faces records nothing and needs no match.
        var metadataOnly = ScanOptions(inputs: [before], database: Self.beforeDB)
        metadataOnly.analyzeFaces = false
        metadataOnly.smallestFace = 80
        XCTAssertNoThrow(try Scanner(options: metadataOnly, progress: SilentProgress()))
    }

    func testResumingAFinishedScanWritesNothing() throws {
        let again = try Scanner(options: ScanOptions(inputs: [Self.work.appendingPathComponent("facebook-demo-before")], database: Self.beforeDB),
                                progress: SilentProgress()).run()
        XCTAssertEqual(again.written, 0)
        XCTAssertEqual(again.resumed, 14)
    }

    /// The report's faces do not depend on the order the scan's workers finished (the store's
    /// order): the same export gives the same thumbnails in every scan.
    func testReportFacesAreInContentOrder() throws {
        let snapshot = try InventoryDatabase(path: Self.beforeDB).snapshot()
        let (summary, fired) = Workflows.summary(snapshot, rules: try RuleBook.load(extra: nil))
        var shuffled = snapshot
        shuffled.faces.reverse()
        let a = ReportBuilder.data(snapshot, summary: summary, fired: fired, generatedAt: "t")
        let b = ReportBuilder.data(shuffled, summary: summary, fired: fired, generatedAt: "t")
        XCTAssertGreaterThan(a.owner.timeline.flatMap(\.thumbnails).count, 8)
        XCTAssertEqual(a.owner.timeline, b.owner.timeline)
        XCTAssertEqual(a.otherIdentities, b.otherIdentities)
        XCTAssertEqual(a, b)
    }
}
