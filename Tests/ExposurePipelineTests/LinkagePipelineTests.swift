import ExposureModel
import ExposureTestSupport
import Foundation
import MediaMetadata
import XCTest

/// Two exports scanned together: a photo re-posted (resized, cropped, filtered, re-encoded, EXIF
/// stripped) and one camera's serial number tie them together in the summary and the report.
final class LinkagePipelineTests: XCTestCase {
    func testRepostAndSerialTieTwoExportsTogether() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("phone-export"), b = dir.appendingPathComponent("other-account")
        for folder in [a, b] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        let scene = SyntheticScenes.scene(width: 640, height: 480, seed: 21)
        let exif = try ExifWriter.app1Payload(ExifWriter.Spec(EmbeddedMetadata(make: "Canon", model: "EOS R", bodySerialNumber: "SN-4711")))
        try ImageEncoder.jpeg(scene, quality: 92, exif: exif).write(to: a.appendingPathComponent("IMG_0001.jpg"))
        try ImageEncoder.jpeg(SyntheticScenes.scene(width: 640, height: 480, seed: 22), quality: 90)
            .write(to: a.appendingPathComponent("IMG_0002.jpg"))
        let repost = SyntheticScenes.Repost(scale: 0.5, keptWidth: 0.9, keptHeight: 0.88, offsetX: 0.6, offsetY: 0.2,
                                            filter: .saturate, jpegQuality: 65)
        try ImageEncoder.jpeg(repost.apply(scene), quality: repost.jpegQuality).write(to: b.appendingPathComponent("received.jpg"))
        try ImageEncoder.jpeg(SyntheticScenes.scene(width: 480, height: 640, seed: 23), quality: 90, exif: exif)
            .write(to: b.appendingPathComponent("same-camera.jpg"))

        let db = dir.appendingPathComponent("inv.sqlite").path
        let scan = try ScanProcess.run(["scan", "--no-faces", "--db", db, a.path, b.path])
        XCTAssertEqual(scan.status, 0, scan.err)
        let summary = try ScanProcess.run(["summary", "--json", db])
        let json = try JSONSerialization.jsonObject(with: Data(summary.out.utf8)) as! [String: Any]
        XCTAssertEqual(json["schema"] as? String, "exposure.summary/5")
        XCTAssertEqual(json["linkage"] as? [String: Int],
                       ["linked_accounts": 2, "reposted_photos": 1, "camera_serials": 1, "owner_names": 0, "identities": 0])
        XCTAssertEqual(json["audience"] as? [String: Int],
                       ["public_items": 0, "shared_items": 0, "private_items": 0, "unknown_items": 4,
                        "public_owner_photos": 0, "public_labelled_faces": 0, "public_items_with_gps": 0],
                       "folders say nothing about who could see them")
        let findings = (json["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
        XCTAssertTrue(findings.contains("accounts-linked"), "\(findings)")

        let html = dir.appendingPathComponent("r.html")
        XCTAssertEqual(try ScanProcess.run(["report", db, "-o", html.path, "--no-thumbnails"]).status, 0)
        let page = try String(contentsOf: html, encoding: .utf8)
        XCTAssertTrue(page.contains("<td>The same photo</td><td class=\"mono\"></td><td>Folder (other-account), Folder (phone-export)</td><td class=\"n\">2</td>"), page)
        XCTAssertTrue(page.contains("<td>Camera serial number</td><td class=\"mono\">SN-4711</td>"))
        XCTAssertFalse(page.contains(dir.path), "no absolute path of this machine in the report")
    }
}
