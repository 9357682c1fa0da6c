import ExposureModel
import ExposurePipeline
import ExposureTestSupport
import Foundation
import XCTest

/// Issue #16 end to end: a Snapchat download in two zips (SnapchatPartsFixture), scanned in one
/// command in either order, reads as one export; each part alone says what it lacks.
final class MultiPartScanTests: XCTestCase {
    func fake(_ magic: [UInt8]) -> (String) -> Data { { Data(magic) + Data("fixture \($0)".utf8) } }

    func writeParts(in dir: URL) throws -> (main: URL, memories: URL) {
        let jpeg = fake([0xFF, 0xD8, 0xFF, 0xE0]), mp4 = fake([0, 0, 0, 0x18] + Array("ftypisom".utf8)), png = fake([0x89, 0x50, 0x4E, 0x47])
        let main = try StoredZip.write(SnapchatPartsFixture.mainPart(jpeg: jpeg, mp4: mp4),
                                       to: dir.appendingPathComponent(SnapchatPartsFixture.mainPartName))
        let memories = try StoredZip.write(SnapchatPartsFixture.memoriesPart(jpeg: jpeg, mp4: mp4, png: png),
                                           to: dir.appendingPathComponent(SnapchatPartsFixture.memoriesPartName))
        return (main, memories)
    }

    func scan(_ inputs: [URL], in dir: URL) throws -> (Summary, ScanOutcome) {
        var options = ScanOptions(inputs: inputs, database: dir.appendingPathComponent("inv-\(UUID().uuidString).sqlite").path)
        options.analyzeFaces = false
        let outcome = try Scanner(options: options, progress: SilentProgress()).run()
        return (try Workflows.summary(database: options.database, extraRules: nil), outcome)
    }

    func testBothPartsInEitherOrderAreOneExport() throws {
        let dir = try TestSupport.temporaryDirectory("exposure-multipart")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (main, memories) = try writeParts(in: dir)
        for inputs in [[main, memories], [memories, main]] {
            let (s, outcome) = try scan(inputs, in: dir)
            let order = inputs.map(\.lastPathComponent).joined(separator: " ")
            XCTAssertEqual(s.sources.map(\.name), ["mydata~1733140000000.zip"], order)
            XCTAssertEqual(s.sources.map(\.platform), ["snapchat"], order)
            XCTAssertEqual(s.items.total, 5, "3 memories (2 overlays are not items) + 2 chat media; \(order)")
            XCTAssertEqual(s.items.missing, 1, order)
            XCTAssertEqual(s.time.itemsWithCaptureTime, 3, order)
            XCTAssertEqual(s.location.itemsWithPlatformLocation, 2, order)
            XCTAssertEqual(outcome.skipped.map(\.reason).filter { $0.contains("was not given") || $0.contains("does not hold") }, [], order)
        }
    }

    func testEachPartAloneSaysWhichPartItExpects() throws {
        let dir = try TestSupport.temporaryDirectory("exposure-multipart")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (main, memories) = try writeParts(in: dir)

        let (alone, outcome) = try scan([main], in: dir)
        XCTAssertEqual(alone.items.total, 2)
        XCTAssertEqual(alone.items.missing, 4)
        XCTAssertEqual(alone.time.itemsWithCaptureTime, 0)
        XCTAssertTrue(outcome.skipped.contains { $0.reason.contains("Snapchat delivers them in mydata~1733140000000-2.zip") },
                      "\(outcome.skipped.map(\.reason))")

        let (media, mediaOutcome) = try scan([memories], in: dir)
        XCTAssertEqual(media.items.total, 3, "overlays are not items even without the JSON")
        XCTAssertEqual(media.items.missing, 0)
        XCTAssertEqual(media.time.itemsWithCaptureTime, 0)
        XCTAssertEqual(media.location.itemsWithPlatformLocation, 0)
        XCTAssertTrue(mediaOutcome.skipped.contains { $0.reason.hasPrefix("mydata~1733140000000.zip (json/, html/, chat_media/) was not given") },
                      "\(mediaOutcome.skipped.map(\.reason))")
    }
}
