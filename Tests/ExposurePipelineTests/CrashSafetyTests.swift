import ExposureModel
import ExposurePipeline
import ExposureStore
import ExposureTestSupport
import MediaMetadata
import Foundation
import XCTest

/// `kill -9` during a scan, then the same command again: the final inventory equals a
/// clean run's (same items, metadata, tags, faces with equal descriptors, identities,
/// analysis and summary), `PRAGMA integrity_check` says ok, and no row is doubled.
/// A short version of scripts/crash-test (which kills 30+ times over larger inputs).
final class CrashSafetyTests: XCTestCase {
    /// A folder export: three photos with faces (two people) and 24 small photos with EXIF
    /// (capture time, GPS, camera serial); faces on, upsample 0 to keep the test short.
    /// scripts/crash-test runs the full demo export and a 400-photo folder.
    static func makeExport(in dir: URL) throws -> URL {
        let export = dir.appendingPathComponent("export")
        try FileManager.default.createDirectory(at: export.appendingPathComponent("small"), withIntermediateDirectories: true)
        for name in ["obama.jpg", "obama2.jpg", "biden.jpg"] {
            try ScanProcess.testImage(name).write(to: export.appendingPathComponent(name))
        }
        for i in 0..<24 {
            var pixels = [UInt8](repeating: 0, count: 64 * 48 * 3)
            for p in pixels.indices { pixels[p] = UInt8(truncatingIfNeeded: p &* (i + 3) / 7) }
            let spec = ExifWriter.Spec(EmbeddedMetadata(captureTime: LocalDateTime(year: 2015 + i % 5, month: 1 + i % 12, day: 1 + i, hour: i % 24, minute: 0,
                                                                                   second: 0, utcOffsetSeconds: 3600),
                                                        gps: GeoPoint(latitude: 48.85 + Double(i % 3), longitude: 2.29), make: "Canon",
                                                        model: "EOS R\(i % 2)", bodySerialNumber: "SN\(i % 3)", cameraOwnerName: nil), thumbnailJPEG: nil)
            let jpeg = try ImageEncoder.jpeg(RGBImage(width: 64, height: 48, pixels: pixels), quality: 80,
                                             exif: try ExifWriter.app1Payload(spec))
            try jpeg.write(to: export.appendingPathComponent(String(format: "small/IMG_%03d.jpg", i)))
        }
        return export
    }

    func testKilledAndResumedScansEqualACleanScan() throws {
        let dir = try TestSupport.temporaryDirectory("exposure-crash")
        defer { try? FileManager.default.removeItem(at: dir) }
        let export = try Self.makeExport(in: dir)
        let arguments = ["scan", export.path, "--jobs", "2", "--upsample", "0"]
        let clean = dir.appendingPathComponent("clean.sqlite").path
        let cleanRun = try ScanProcess.run(arguments + ["--db", clean])
        XCTAssertEqual(cleanRun.status, 0, cleanRun.err)
        let expected = try CanonicalInventory(path: clean)
        XCTAssertEqual(expected.lines.filter { $0.hasPrefix("face ") }.count, 3, "one face in each of the three portraits")
        XCTAssertEqual(expected.lines.filter { $0.hasPrefix("item ") }.count, 27)

        // Kill points spread over the clean run's duration: worker start, ingestion, faces,
        // the analysis at the end. Seeded, printed, so a failure can be replayed.
        var rng = SystemRandomNumberGenerator()
        let seed = UInt64.random(in: 1...UInt64(1 << 40), using: &rng)
        var generator = SplitMix64(seed: seed)
        let resumed = dir.appendingPathComponent("resumed.sqlite").path
        var kills: [Double] = []
        for _ in 0..<7 {
            let delay = 0.05 + Double(generator.next() % 1000) / 1000 * cleanRun.seconds * 0.8
            let run = try ScanProcess.run(arguments + ["--db", resumed], killAfter: delay)
            if run.killed { kills.append(delay) } else { XCTAssertEqual(run.status, 0, run.err) }
        }
        let last = try ScanProcess.run(arguments + ["--db", resumed])
        XCTAssertEqual(last.status, 0, last.err)
        print("crash-safety: seed \(seed), clean run \(String(format: "%.1f", cleanRun.seconds)) s, killed at",
              kills.map { String(format: "%.2f", $0) }.joined(separator: " "))
        XCTAssertGreaterThanOrEqual(kills.count, 4, "most kill points fall inside a run")

        let actual = try CanonicalInventory(path: resumed)
        XCTAssertEqual(actual.integrity, "ok")
        XCTAssertEqual(actual.lines.count, expected.lines.count, "seed \(seed)")
        let missing = Set(expected.lines).subtracting(actual.lines), extra = Set(actual.lines).subtracting(expected.lines)
        XCTAssertTrue(missing.isEmpty && extra.isEmpty, "seed \(seed): missing \(missing.sorted().prefix(5)), extra \(extra.sorted().prefix(5))")
        XCTAssertEqual(actual.lines, expected.lines, "seed \(seed): same rows, no duplicates")
        let summaries = try [clean, resumed].map { try ScanProcess.run(["summary", "--json", $0]).out }
        XCTAssertEqual(summaries[0], summaries[1])
    }
}

/// An inventory as sorted text lines, one per row, without row ids (they depend on the
/// order files were written): rows refer to items by SHA-256, to files by source and path,
/// to identities by what they are. Equal lines = equal inventories, duplicates included.
struct CanonicalInventory {
    var lines: [String]
    var integrity: String

    init(path: String) throws {
        let db = try InventoryDatabase(path: path)
        integrity = try db.integrityCheck()
        let s = try db.snapshot()
        let sha = Dictionary(uniqueKeysWithValues: s.items.map { ($0.id, $0.sha256) })
        let source = Dictionary(uniqueKeysWithValues: s.sources.map { ($0.id, "\($0.name)/\($0.platform)") })
        let identity = Dictionary(uniqueKeysWithValues: s.identities.map { ($0.id, "\($0.name ?? "-")|owner=\($0.isOwner)|n=\($0.faceCount)") })
        func json<T: Encodable>(_ v: T) -> String {
            let e = JSONEncoder(); e.outputFormatting = [.sortedKeys]
            return (try? String(decoding: e.encode(v), as: UTF8.self)) ?? "?"
        }
        var out: [String] = []
        out += s.sources.map { "source \($0.name) \($0.platform) \($0.ownerName ?? "-") listed=\($0.listed)" }
        out += s.items.map { "item \($0.sha256) \($0.kind) \($0.byteSize) \($0.unreadableReason ?? "-") faces=\($0.facesAnalysed) \(json($0.embedded))" }
        out += s.files.map { "file \(source[$0.sourceID]!) \($0.path) \(sha[$0.itemID]!) profile=\($0.isProfilePicture) \(json($0.appearances)) \(json($0.platformMetadata))" }
        out += s.tags.map { "tag \(sha[$0.itemID]!) \($0.name) \($0.origin) \(json($0.region))" }
        out += s.faces.map { f in
            "face \(sha[f.itemID]!) #\(f.faceIndex) \(json(f.face)) thumb=\(f.thumbnail?.base64EncodedString() ?? "-") id=\(f.identityID.flatMap { identity[$0] } ?? "-") labelled=\(f.labelled)"
        }
        out += s.missing.map { "missing \(source[$0.sourceID]!) \($0.path)" }
        out += s.skipped.map { "skipped \($0.sourceID.flatMap { source[$0] } ?? "-") \($0.path) \($0.reason)" }
        let a = s.storedAnalysis
        // stale_thumbnails lists item ids, which depend on the order files were written.
        out += ["analysis faces \(json(a.faces))", "analysis metrics \(json(a.metrics))", "analysis item_counts \(json(a.itemCounts))",
                "analysis owner_reason \(a.ownerReason ?? "-")", "analysis distinct_places \(a.distinctPlaces.map(String.init) ?? "-")",
                "analysis stale_thumbnails \(a.staleThumbnails.map { $0.map { sha[$0] ?? "\($0)" }.sorted() }.map { "\($0)" } ?? "-")",
                "analysis audience \(json(a.audience))", "analysis linkage \(json(a.linkage))", "analysis videos \(json(a.videos))",
                "analysis per_video \(json(a.perVideo))"]
        out += s.identities.map { "identity \(identity[$0.id]!)" }
        out += s.places.map { "place \($0.latitude) \($0.longitude) \($0.itemCount) \($0.nightDays) \($0.isHome) \($0.isRegular) \($0.city ?? "-")" }
        out += s.devices.map { "device \($0.kind) \($0.value) \($0.itemCount)" }
        lines = out.sorted()
    }
}

