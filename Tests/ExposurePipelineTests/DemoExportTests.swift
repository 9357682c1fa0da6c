import ArchiveInput
import ExportFormats
import ExposureModel
import ExposurePipeline
import ExposureTestSupport
import DemoArchive
import Foundation
import XCTest

/// The demo export must read back, through the real archive and Facebook readers, as the
/// story it tells: 12 photos + 1 profile picture before, 4 fewer after.
final class DemoExportTests: XCTestCase {
    func testDemoExportReadsBackAsFacebook() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let before = try DemoExport.write(into: dir, after: false)
        let after = try DemoExport.write(into: dir, after: true)
        for (root, count) in [(before, 14), (after, 9)] {   // 13 photos and the reel; the reel is deleted after
            let archive = try ExportArchive(parts: [root])
            let format = ExportFormatRegistry.detect(archive)
            XCTAssertEqual(format.platform, .facebook)
            let parsed = try format.read(archive)
            XCTAssertEqual(parsed.ownerName, DemoExport.ownerName)
            XCTAssertEqual(parsed.media.filter(\.isPresent).count, count, "\(parsed.media.map(\.path))")
            XCTAssertEqual(parsed.media.filter(\.isProfilePicture).count, 1)
            XCTAssertTrue(parsed.warnings.isEmpty, "\(parsed.warnings)")
        }
    }
}
