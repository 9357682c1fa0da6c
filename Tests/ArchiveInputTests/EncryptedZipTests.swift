import ArchiveInput
import Foundation
import XCTest

// Password-protected zips: one line naming the archive, not one line per entry; a few encrypted
// entries among readable ones are still listed one by one. (`refusal`: ForeignFileTests.swift.)

final class EncryptedZipTests: XCTestCase {
    private let advice = "Exposure cannot read encrypted entries: download the export again without a password"

    /// `zip -P` encrypts every entry: the archive is refused in one line, not one per entry.
    func testPasswordProtectedZipIsOneLine() throws {
        let dir = try TemporaryFolder()
        for i in 0..<12 { _ = try dir.write("src/photos/IMG_\(i).jpg", noise(3000, seed: UInt64(i + 1))) }
        _ = try dir.write("src/posts_1.json", Data(#"[{"title":"hi"}]"#.utf8))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.currentDirectoryURL = dir.url.appendingPathComponent("src")
        process.arguments = ["zip", "-q", "-r", "-P", "secret", "../facebook-me.zip", "."]
        try process.run(); process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let issue = refusal(dir.url.appendingPathComponent("facebook-me.zip"))
        XCTAssertEqual(issue?.kind, .encrypted)
        XCTAssertNil(issue?.entry)
        XCTAssertEqual(issue?.description, "facebook-me.zip: password-protected zip (all 13 of its files are encrypted); \(advice)")
        // Beside a readable part, the protected one is that one line too, and the other is read.
        let plain = try dir.write("takeout-x-002.zip", ZipBuilder(entries: [.stored("a.json", "{}")]).build())
        try FileManager.default.moveItem(at: dir.url.appendingPathComponent("facebook-me.zip"), to: dir.url.appendingPathComponent("takeout-x-001.zip"))
        let export = try ExportArchive(parts: [dir.url.appendingPathComponent("takeout-x-001.zip"), plain])
        XCTAssertEqual(export.paths, ["a.json"])
        XCTAssertEqual(export.issues.map(\.description), ["takeout-x-001.zip: password-protected zip (all 13 of its files are encrypted); \(advice)"])
    }

    /// Every photo encrypted, the JSON not (some tools encrypt only large files): one line.
    func testEveryMediaFileEncryptedIsOneLine() throws {
        var entries: [ZipEntry] = [.stored("your_posts/posts_1.json", "[]")]
        for i in 0..<12 {
            var photo = ZipEntry.stored("media/IMG_\(i).jpg", noise(100, seed: UInt64(i + 1)))
            photo.flags |= 1
            entries.append(photo)
        }
        entries.append(.stored("index.html", "<html></html>"))
        let dir = try TemporaryFolder()
        let export = try ExportArchive(parts: [try dir.write("me.zip", ZipBuilder(entries: entries).build())])
        XCTAssertEqual(export.paths, ["index.html", "your_posts/posts_1.json"])
        XCTAssertEqual(export.issues.map(\.description), [
            "me.zip: password-protected zip: all 12 of its photos, videos and other media files are encrypted and skipped; only its 2 unencrypted files are read. \(advice)",
        ])
        XCTAssertEqual(export.issues.first?.kind, .encrypted)
    }

    /// Some entries encrypted among readable photos: listed one by one when few, one summary
    /// line (naming the first three) when many.
    func testPartlyEncryptedZipListsFewSummarisesMany() throws {
        func zip(encrypted: Int) throws -> ExportArchive {
            var entries: [ZipEntry] = [.stored("a.jpg", noise(50, seed: 1)), .stored("b.json", "{}")]
            for i in 0..<encrypted {
                var secret = ZipEntry.stored("secret/\(i).jpg", noise(50, seed: UInt64(i + 2)))
                secret.flags |= 1
                entries.append(secret)
            }
            entries.append(.stored("z.jpg", noise(50, seed: 99)))
            let dir = try TemporaryFolder()
            return try ExportArchive(parts: [try dir.write("part.zip", ZipBuilder(entries: entries).build())])
        }
        let few = try zip(encrypted: 2)
        XCTAssertEqual(few.paths, ["a.jpg", "b.json", "z.jpg"])
        XCTAssertEqual(few.issues.map(\.description), [
            "part.zip: secret/0.jpg: encrypted (password-protected) entry: Exposure cannot read it; skipped (the entries after it are still read)",
            "part.zip: secret/1.jpg: encrypted (password-protected) entry: Exposure cannot read it; skipped (the entries after it are still read)",
        ])
        let many = try zip(encrypted: 12)
        XCTAssertEqual(many.paths, ["a.jpg", "b.json", "z.jpg"])
        XCTAssertEqual(many.issues.map(\.description), [
            "part.zip: 12 encrypted entries skipped (secret/0.jpg, secret/1.jpg, secret/2.jpg and 9 more); \(advice) to read them",
        ])
        XCTAssertEqual(ArchiveIssue.summary(many.issues), "skipped 12 entries: 12 encrypted")
    }
}
