import ExposureModel
import ExposurePipeline
import ExposureTestSupport
import Foundation
import XCTest

/// Issue #16 end to end (scan --no-faces, summary): one generated account (MetaAccountFixture) as
/// Meta's JSON download, as its HTML download, and as a JSON download split into two zips.
final class HTMLAndMetaPartsScanTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws { dir = try TestSupport.temporaryDirectory("exposure-html-scan") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// Distinct bytes per path (fake JPEG/MP4 headers: the readers list by path, the scan hashes bytes).
    static func bytes(_ path: String) -> Data {
        (path.hasSuffix(".mp4") ? Data([0, 0, 0, 0x18]) + Data("ftypisom".utf8) : Data([0xFF, 0xD8, 0xFF, 0xE0])) + Data(path.utf8)
    }

    func zip(_ name: String, _ files: [String: Data]) throws -> URL { try StoredZip.write(files, to: dir.appendingPathComponent(name)) }

    func scan(_ inputs: [URL]) throws -> (Summary, ScanOutcome) {
        var options = ScanOptions(inputs: inputs, database: dir.appendingPathComponent("inv-\(UUID().uuidString).sqlite").path)
        options.analyzeFaces = false
        let outcome = try Scanner(options: options, progress: SilentProgress()).run()
        return (try Workflows.summary(database: options.database, extraRules: nil), outcome)
    }

    func testFacebookHTMLAndJSONDownloadsOfOneAccountGiveTheSameSummary() throws {
        let (json, _) = try scan([zip("facebook-json.zip", MetaAccountFixture.facebookJSON(Self.bytes))])
        let (html, _) = try scan([zip("facebook-html.zip", MetaAccountFixture.facebookHTML(Self.bytes))])
        for s in [json, html] {
            XCTAssertEqual(s.owner.name, "Zoë Müller")
            XCTAssertEqual(s.sources.map(\.platform), ["facebook"])
            XCTAssertEqual(s.items.total, 6)
            XCTAssertEqual(s.items.missing, 1)
            XCTAssertEqual(s.items.profilePictures, 1)
            XCTAssertEqual(s.time.itemsWithCaptureTime, 3)
            XCTAssertEqual(s.location.itemsWithPlatformLocation, 2)
            XCTAssertEqual(s.location.uploadIPs, 5)
            XCTAssertEqual(s.people.named, 2)
            XCTAssertEqual(s.people.tagInstances, 3)
            XCTAssertEqual(s.people.graphEdges, 1)
        }
        XCTAssertEqual(html.metrics, json.metrics)
        XCTAssertEqual(html.findings.map(\.rule), json.findings.map(\.rule))
    }

    func testInstagramHTMLAndJSONDownloadsOfOneAccountGiveTheSameSummaryAndHTMLAddsTaggedUsers() throws {
        let (json, _) = try scan([zip("instagram-json.zip", MetaAccountFixture.instagramJSON(Self.bytes))])
        let (html, _) = try scan([zip("instagram-html.zip", MetaAccountFixture.instagramHTML(Self.bytes))])
        for s in [json, html] {
            XCTAssertEqual(s.owner.name, "Zoë Müller")
            XCTAssertEqual(s.sources.map(\.platform), ["instagram"])
            XCTAssertEqual(s.items.total, 4)
            XCTAssertEqual(s.items.missing, 1)
            XCTAssertEqual(s.items.profilePictures, 1)
            XCTAssertEqual(s.time.itemsWithCaptureTime, 1)
            XCTAssertEqual(s.location.itemsWithPlatformLocation, 2)
        }
        // "Tagged users" exist only in the HTML download (archive-formats.md §2.4).
        XCTAssertEqual(json.people.named, 0)
        XCTAssertEqual(html.people.named, 1)
        XCTAssertEqual(html.people.tagInstances, 1)
        XCTAssertEqual(html.metrics.filter { !$0.key.hasPrefix("people.") }, json.metrics.filter { !$0.key.hasPrefix("people.") })
    }

    func testMetaDownloadInTwoZipsIsOneExportInAnyOrder() throws {
        var jsonPart: [String: Data] = [:], mediaPart: [String: Data] = [:]
        for (path, data) in MetaAccountFixture.facebookJSON(Self.bytes) {
            if path.hasSuffix(".json") { jsonPart[path] = data } else { mediaPart[path] = data }
        }
        let (whole, _) = try scan([zip("facebook-whole.zip", MetaAccountFixture.facebookJSON(Self.bytes))])
        let a = try zip("facebook-zoe-2024-05-01-AbC.zip", jsonPart), b = try zip("facebook-zoe-2024-05-01-XyZ.zip", mediaPart)
        for inputs in [[a, b], [b, a]] {
            let (s, outcome) = try scan(inputs)
            let order = inputs.map(\.lastPathComponent).joined(separator: " ")
            XCTAssertEqual(s.sources.map(\.name), ["facebook-zoe-2024-05-01-AbC.zip"], order)
            XCTAssertEqual(s.items.total, 6, order)
            XCTAssertEqual(s.items.missing, 1, order)
            XCTAssertEqual(s.metrics, whole.metrics, order)
            XCTAssertTrue(outcome.skipped.contains { $0.reason.hasPrefix("1 file named by this download's JSON is in none of the given zips") },
                          "\(outcome.skipped.map(\.reason))")
        }
        // The JSON zip alone: every photo missing, and a note that names the other zips.
        let (alone, outcome) = try scan([a])
        XCTAssertEqual(alone.items.total, 0)
        XCTAssertEqual(alone.items.missing, 7)
        XCTAssertTrue(outcome.skipped.contains { $0.reason.hasPrefix("7 files named by this download's JSON are in none of the given zips") },
                      "\(outcome.skipped.map(\.reason))")
    }
}
