import ExposureModel
import ExposurePipeline
import ExposureTestSupport
import Foundation
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
            firstScan = try Scanner(options: ScanOptions(inputs: [before], database: beforeDB), progress: ProgressReporter(quiet: true)).run()
            var options = ScanOptions(inputs: [after], database: afterDB)
            options.reuse = beforeDB
            rescan = try Scanner(options: options, progress: ProgressReporter(quiet: true)).run()
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
        XCTAssertEqual(s.items.total, 13)
        XCTAssertEqual(s.items.photos, 13)
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
        print("demo faces:", s.faces)
        XCTAssertEqual(s.faces.owner.matchableFromProfile, s.faces.owner.faces - 0, "every other photo of him is found from the profile picture")
    }

    func testRescanAfterDeletionReusesEverything() throws {
        XCTAssertEqual(Self.firstScan?.written, 13)
        XCTAssertEqual(Self.rescan?.written, 9)
        XCTAssertEqual(Self.rescan?.reused, 9, "every item of the after export was analysed before")
        let d = try Workflows.diff(before: Self.beforeDB, after: Self.afterDB, extraRules: nil)
        XCTAssertEqual(d.diff.items.removed, 4)
        XCTAssertEqual(d.diff.items.kept, 9)
        XCTAssertEqual(d.diff.items.added, 0)
    }

    func testResumingAFinishedScanWritesNothing() throws {
        let again = try Scanner(options: ScanOptions(inputs: [Self.work.appendingPathComponent("facebook-demo-before")], database: Self.beforeDB),
                                progress: ProgressReporter(quiet: true)).run()
        XCTAssertEqual(again.written, 0)
        XCTAssertEqual(again.resumed, 13)
    }
}
