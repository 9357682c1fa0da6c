import ArchiveInput
import ExposureModel
import Foundation
import XCTest

/// Shorthand: open one input as one export.
private func openOne(_ url: URL, _ limits: ArchiveLimits = .default) throws -> ExportArchive {
    try ExportArchive(parts: [url], limits: limits)
}

private func text(_ export: ExportArchive, _ path: String) throws -> String {
    String(decoding: try export.contents(of: path, maxBytes: 1 << 20), as: UTF8.self)
}

/// Reads every listed file in one pass; returns contents and the pass's issues.
private func readEverything(_ export: ExportArchive, maxBytesPerEntry: Int64? = nil) throws -> ([String: Data], [ArchiveIssue]) {
    var contents: [String: Data] = [:]
    let issues = try export.forEachFile(nil, maxBytesPerEntry: maxBytesPerEntry) { path, reader in
        contents[path] = try reader.readAll()
    }
    return (contents, issues)
}

final class SHA256Tests: XCTestCase {
    func testKnownVectorsAndStreaming() {
        XCTAssertEqual(SHA256.hash(Data()).hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hash(Data("abc".utf8)).hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let data = noise(100_003)
        var hasher = SHA256()
        hasher.update(data.prefix(7)); hasher.update(data.dropFirst(7).prefix(65_536)); hasher.update(data.dropFirst(65_543))
        XCTAssertEqual(hasher.finalize(), SHA256.hash(data))
    }
}

// MARK: - The trio for each container

final class ZipTests: XCTestCase {
    func testRecognisesZipByContentNotName() throws {
        let dir = try TemporaryFolder()
        let photo = noise(300_000)
        let zip = ZipBuilder(entries: [
            .stored("Instagram/posts_1.json", #"[{"title":"hi"}]"#),
            try .deflated("Instagram/media/photo.jpg", photo),
            .stored("Instagram/readme.txt", "x"),
        ]).build()
        let url = try dir.write("export.bin", zip)   // wrong extension on purpose
        let export = try openOne(url)
        XCTAssertEqual(export.displayName, "export.bin")
        XCTAssertEqual(export.paths, ["Instagram/media/photo.jpg", "Instagram/posts_1.json", "Instagram/readme.txt"])
        XCTAssertEqual(export.issues, [])
        XCTAssertEqual(try text(export, "Instagram/posts_1.json"), #"[{"title":"hi"}]"#)
        XCTAssertEqual(try export.contents(of: "Instagram/media/photo.jpg", maxBytes: 1 << 20), photo)
        XCTAssertEqual(export.declaredSize(of: "Instagram/media/photo.jpg"), Int64(photo.count))

        var digests: [String: SHA256Digest] = [:]
        let issues = try export.forEachFile(["Instagram/media/photo.jpg"]) { path, reader in
            var hasher = SHA256()
            let bytes = try reader.readAll(hashingInto: &hasher)
            XCTAssertEqual(bytes, photo)
            digests[path] = hasher.finalize()
        }
        XCTAssertEqual(issues, [])
        XCTAssertEqual(digests, ["Instagram/media/photo.jpg": SHA256.hash(photo)])
    }

    func testContentsCapIsEnforced() throws {
        let dir = try TemporaryFolder()
        let url = try dir.write("a.zip", ZipBuilder(entries: [.stored("big.json", Data(count: 5000))]).build())
        let export = try openOne(url)
        XCTAssertThrowsError(try export.contents(of: "big.json", maxBytes: 4999)) { error in
            XCTAssertEqual((error as? ArchiveIssue)?.kind, .tooLarge)
        }
        XCTAssertThrowsError(try export.contents(of: "missing.json", maxBytes: 10))
    }

    func testRejectsNotAnArchiveAndEmptyFile() throws {
        let dir = try TemporaryFolder()
        let textFile = try dir.write("notes.zip", Data("just some text, not a zip".utf8))
        XCTAssertThrowsError(try openOne(textFile)) { error in
            let issue = error as? ArchiveIssue
            XCTAssertEqual(issue?.kind, .notAnArchive)
            XCTAssertEqual(issue?.archive, "notes.zip")
            XCTAssertTrue(issue?.description.contains("not a zip, tar") ?? false, "\(error)")
        }
        let empty = try dir.write("empty.zip", Data())
        XCTAssertThrowsError(try openOne(empty)) { XCTAssertEqual(($0 as? ArchiveIssue)?.kind, .notAnArchive) }
        XCTAssertThrowsError(try openOne(dir.url.appendingPathComponent("absent.zip"))) {
            XCTAssertEqual(($0 as? ArchiveIssue)?.kind, .unreadable)
        }
        // A zip header followed by garbage: no directory, no readable entry.
        var garbage = Data([0x50, 0x4b, 0x03, 0x04]); garbage.append(noise(200))
        let broken = try dir.write("broken.zip", garbage)
        XCTAssertThrowsError(try withinSeconds(10) { try openOne(broken) }) { error in
            XCTAssertEqual((error as? ArchiveIssue)?.kind, .corrupt)
            XCTAssertEqual((error as? ArchiveIssue)?.archive, "broken.zip")
        }
    }

    func testEmptyArchive() throws {
        let dir = try TemporaryFolder()
        let url = try dir.write("empty.zip", ZipBuilder(entries: []).build())
        let export = try openOne(url)
        XCTAssertEqual(export.paths, [])
        XCTAssertEqual(export.issues.map(\.kind), [.empty])
    }
}

final class SplitZipTests: XCTestCase {
    func testTakeoutPartsMergeIntoOneTree() throws {
        let dir = try TemporaryFolder()
        let photo = noise(50_000, seed: 7)
        let sidecar = #"{"title":"IMG_1.jpg","photoTakenTime":{"timestamp":"1600000000"}}"#
        let part1 = try dir.write("takeout-20240712T112341Z-001.zip", ZipBuilder(entries: [
            .stored("Takeout/Google Photos/Photos from 2020/IMG_1.jpg.json", sidecar),
            .stored("Takeout/archive_browser.html", "<html></html>"),
        ]).build())
        let part2 = try dir.write("takeout-20240712T112341Z-002.zip", ZipBuilder(entries: [
            try .deflated("Takeout/Google Photos/Photos from 2020/IMG_1.jpg", photo),
        ]).build())
        let other = try dir.write("twitter-archive.zip", ZipBuilder(entries: [.stored("data/tweets.js", "window.x = []")]).build())

        XCTAssertEqual(ExportInputs.groupParts([part2, other, part1]), [[part1, part2], [other]])
        let exports = try ExportInputs.open([part2, other, part1])
        XCTAssertEqual(exports.map(\.displayName), ["takeout-20240712T112341Z-001.zip", "twitter-archive.zip"])
        let takeout = exports[0]
        XCTAssertEqual(takeout.paths, [
            "Takeout/Google Photos/Photos from 2020/IMG_1.jpg",
            "Takeout/Google Photos/Photos from 2020/IMG_1.jpg.json",
            "Takeout/archive_browser.html",
        ])
        XCTAssertEqual(try text(takeout, "Takeout/Google Photos/Photos from 2020/IMG_1.jpg.json"), sidecar)
        let (all, issues) = try readEverything(takeout)
        XCTAssertEqual(issues, [])
        XCTAssertEqual(all["Takeout/Google Photos/Photos from 2020/IMG_1.jpg"], photo)
        XCTAssertEqual(all.count, 3)
    }

    func testCorruptPartIsReportedOthersKept() throws {
        let dir = try TemporaryFolder()
        let part1 = try dir.write("takeout-x-001.zip", ZipBuilder(entries: [.stored("a.json", "{}")]).build())
        let part2 = try dir.write("takeout-x-002.zip", Data("garbage".utf8))
        let exports = try ExportInputs.open([part1, part2])
        XCTAssertEqual(exports.count, 1)
        XCTAssertEqual(exports[0].paths, ["a.json"])
        XCTAssertEqual(exports[0].issues.map(\.archive), ["takeout-x-002.zip"])
        XCTAssertEqual(exports[0].issues.map(\.kind), [.notAnArchive])
    }

    func testDuplicatePathAcrossPartsKeepsFirst() throws {
        let dir = try TemporaryFolder()
        let part1 = try dir.write("t-001.zip", ZipBuilder(entries: [.stored("same.json", "first")]).build())
        let part2 = try dir.write("t-002.zip", ZipBuilder(entries: [.stored("same.json", "second")]).build())
        let export = try ExportInputs.open([part1, part2])[0]
        XCTAssertEqual(try text(export, "same.json"), "first")
        XCTAssertEqual(export.issues.map(\.kind), [.duplicate])
        XCTAssertTrue(export.issues[0].description.contains("t-002.zip: same.json"), export.issues[0].description)
    }
}

final class TarTests: XCTestCase {
    func testRecognisesTarGzByContentAndReadsEntries() throws {
        let dir = try TemporaryFolder()
        let photo = noise(200_000, seed: 3)
        let url = dir.url.appendingPathComponent("snapchat-data.dat")
        try Python.tar([
            .file("memories/2020-01-01.jpg", photo),
            .file("json/memories_history.json", Data(#"{"Saved Media":[]}"#.utf8)),
        ], to: url)
        let export = try openOne(url)
        XCTAssertEqual(export.paths, ["json/memories_history.json", "memories/2020-01-01.jpg"])
        XCTAssertEqual(export.issues, [])
        XCTAssertEqual(try text(export, "json/memories_history.json"), #"{"Saved Media":[]}"#)
        let (all, issues) = try readEverything(export)
        XCTAssertEqual(issues, [])
        XCTAssertEqual(all["memories/2020-01-01.jpg"], photo)
        XCTAssertEqual(all["json/memories_history.json"], Data(#"{"Saved Media":[]}"#.utf8))
    }

    func testPlainAndBzip2Tar() throws {
        let dir = try TemporaryFolder()
        for mode in ["w", "w:bz2", "w:xz"] {
            let url = dir.url.appendingPathComponent("t-\(mode.replacingOccurrences(of: ":", with: "")).tar")
            try Python.tar([.file("a/b.txt", Data("hello".utf8))], to: url, mode: mode)
            let export = try openOne(url)
            XCTAssertEqual(export.paths, ["a/b.txt"], mode)
            XCTAssertEqual(try text(export, "a/b.txt"), "hello", mode)
        }
    }

    func testTruncatedTarGzKeepsEarlierEntries() throws {
        let dir = try TemporaryFolder()
        let url = dir.url.appendingPathComponent("full.tgz")
        try Python.tar([
            .file("first.json", Data("{\"a\":1}".utf8)),
            .file("big.jpg", noise(400_000)),
            .file("last.json", Data("{}".utf8)),
        ], to: url)
        let whole = try Data(contentsOf: url)
        let cut = try dir.write("cut.tgz", whole.prefix(whole.count / 2))
        let export = try withinSeconds(10) { try openOne(cut) }
        XCTAssertEqual(try text(export, "first.json"), "{\"a\":1}")
        XCTAssertFalse(export.paths.contains("last.json"))
        XCTAssertTrue(export.issues.contains { $0.kind == .corrupt && $0.archive == "cut.tgz" }, "\(export.issues)")
        // Reading the partly present entry fails cleanly, with the archive and entry named.
        if export.paths.contains("big.jpg") {
            let (_, issues) = try withinSeconds(10) { try readEverything(export) }
            XCTAssertTrue(issues.contains { $0.entry == "big.jpg" }, "\(issues)")
        }
    }

    /// A tar entry of 64 MiB of zeros: its declared size is charged to the budget before
    /// libarchive decompresses (or skips) it, so the pass stops instead of grinding through it.
    func testTarBombStopsAtBudget() throws {
        let dir = try TemporaryFolder()
        let url = dir.url.appendingPathComponent("bomb.tgz")
        try Python.tar([.file("a.json", Data("{}".utf8)), .file("zeros.bin", Data(count: 64 << 20)),
                        .file("z.json", Data("{}".utf8))], to: url)
        var limits = ArchiveLimits()
        limits.maxBytesPerPass = 16 << 20
        let export = try withinSeconds(20) { try openOne(url, limits) }
        XCTAssertEqual(export.paths, ["a.json", "zeros.bin"])
        XCTAssertEqual(export.issues.map(\.kind), [.budgetExceeded])
        XCTAssertTrue(export.issues[0].reason.contains("16777216 bytes"), export.issues[0].reason)
        XCTAssertEqual(try text(export, "a.json"), "{}")
    }

    func testGzipOfNonTarIsRejected() throws {
        let dir = try TemporaryFolder()
        let plain = try dir.write("x.json", Data(String(repeating: "{\"a\":1}", count: 100).utf8))
        let gz = dir.url.appendingPathComponent("x.json.gz")
        try Python.run("import gzip,sys; open(sys.argv[2],'wb').write(gzip.compress(open(sys.argv[1],'rb').read()))",
                       [plain.path, gz.path])
        XCTAssertThrowsError(try openOne(gz)) { error in
            XCTAssertEqual((error as? ArchiveIssue)?.archive, "x.json.gz")
            XCTAssertEqual((error as? ArchiveIssue)?.kind, .notAnArchive)
        }
    }

    func testTarLinksAndUnsafePaths() throws {
        let dir = try TemporaryFolder()
        let url = dir.url.appendingPathComponent("links.tar.gz")
        try Python.tar([
            .file("ok.txt", Data("ok".utf8)),
            .symlink("passwd", to: "/etc/passwd"),
            .hardlink("hard.txt", to: "ok.txt"),
            .file("../../evil.txt", Data("evil".utf8)),
            .file("/abs.txt", Data("abs".utf8)),
            .file("after.txt", Data("after".utf8)),
        ], to: url)
        let export = try openOne(url)
        XCTAssertEqual(export.paths, ["after.txt", "ok.txt"])
        XCTAssertEqual(Set(export.issues.map(\.kind)), [.link, .unsafePath])
        XCTAssertEqual(export.issues.count, 4, "\(export.issues)")
        XCTAssertEqual(try text(export, "after.txt"), "after")
    }
}

final class FolderTests: XCTestCase {
    func testReadsExtractedFolderSkipsSymlinks() throws {
        let dir = try TemporaryFolder()
        let root = dir.url.appendingPathComponent("facebook-jdoe")
        _ = try dir.write("facebook-jdoe/posts/album/0.json", Data("{\"name\":\"a\"}".utf8))
        _ = try dir.write("facebook-jdoe/posts/media/p.jpg", noise(1000))
        _ = try dir.write("outside-secret.txt", Data("secret".utf8))
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("posts/leak.txt").path,
                                                   withDestinationPath: dir.url.appendingPathComponent("outside-secret.txt").path)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("loop").path, withDestinationPath: ".")
        let before = dir.snapshot()
        let export = try ExportInputs.open([root])[0]
        XCTAssertEqual(export.displayName, "facebook-jdoe")
        XCTAssertEqual(export.paths, ["posts/album/0.json", "posts/media/p.jpg"])
        XCTAssertEqual(export.issues.map(\.kind), [.link, .link])
        XCTAssertEqual(Set(export.issues.compactMap(\.entry)), ["loop", "posts/leak.txt"])
        XCTAssertEqual(try text(export, "posts/album/0.json"), "{\"name\":\"a\"}")
        let (all, issues) = try readEverything(export)
        XCTAssertEqual(issues, [])
        XCTAssertEqual(all["posts/media/p.jpg"], noise(1000))
        XCTAssertThrowsError(try export.contents(of: "posts/leak.txt", maxBytes: 100))
        XCTAssertEqual(dir.snapshot(), before, "the input folder must not change")
    }

    func testFolderFileSwappedForSymlinkIsNotFollowed() throws {
        let dir = try TemporaryFolder()
        let root = dir.url.appendingPathComponent("export")
        let file = try dir.write("export/a.json", Data("{}".utf8))
        _ = try dir.write("secret.txt", Data("secret".utf8))
        let export = try openOne(root)
        try FileManager.default.removeItem(at: file)
        try FileManager.default.createSymbolicLink(atPath: file.path, withDestinationPath: dir.url.appendingPathComponent("secret.txt").path)
        XCTAssertThrowsError(try export.contents(of: "a.json", maxBytes: 100)) { error in
            XCTAssertEqual((error as? ArchiveIssue)?.kind, .unreadable)
        }
    }
}

// MARK: - Hazards (reliability.md §1.5)

final class ZipHazardTests: XCTestCase {
    func testZipSlipEntriesAreRejectedOthersKept() throws {
        let dir = try TemporaryFolder()
        let hostile = ["../../../../tmp/evil.txt", "/../evil.txt", "a/../../evil.txt", "..\\evil.txt",
                       "/etc/x", "C:\\Windows\\evil.txt", "c:/evil.txt", "a/./../b.txt"]
        var entries = hostile.map { ZipEntry.stored($0, "evil") }
        entries.insert(.stored("good/one.txt", "one"), at: 2)
        entries.append(.stored("dir\\two.txt", "two"))      // old Windows zippers: backslash separator
        entries.append(.stored("./three.txt", "three"))
        let url = try dir.write("slip.zip", ZipBuilder(entries: entries).build())
        let before = dir.snapshot()
        let export = try openOne(url)
        XCTAssertEqual(export.paths, ["dir/two.txt", "good/one.txt", "three.txt"])
        // libarchive itself turns a zip's backslashes into slashes before we see the name.
        XCTAssertEqual(export.issues.map(\.entry), hostile.map { $0.replacingOccurrences(of: "\\", with: "/") })
        XCTAssertTrue(export.issues.allSatisfy { $0.kind == .unsafePath && $0.archive == "slip.zip" })
        XCTAssertTrue(export.issues[0].description.hasPrefix("slip.zip: ../../../../tmp/evil.txt: rejected: unsafe path"),
                      export.issues[0].description)
        let (all, issues) = try readEverything(export)
        XCTAssertEqual(issues, [])
        XCTAssertEqual(all.mapValues { String(decoding: $0, as: UTF8.self) },
                       ["dir/two.txt": "two", "good/one.txt": "one", "three.txt": "three"])
        XCTAssertEqual(dir.snapshot(), before, "nothing may be written anywhere")
        XCTAssertEqual(ArchiveIssue.summary(export.issues), "skipped 8 entries: 8 unsafePath")
        XCTAssertNil(ArchiveIssue.summary([]))
    }

    func testSymlinkEntriesAreNeverFollowed() throws {
        let dir = try TemporaryFolder()
        let url = try dir.write("links.zip", ZipBuilder(entries: [
            .symlink("passwd_link", to: "/etc/passwd"),
            .symlink("link", to: "."),
            .symlink("escape", to: "link/.."),
            .stored("escape/pwned_via_chain.txt", "written through the chain?"),
            .stored("same", "file first"),
            .symlink("same", to: "/etc/shadow"),
            .stored("after.txt", "after"),
        ]).build())
        let before = dir.snapshot()
        let export = try openOne(url)
        // The "through the link" file is only a name: it is listed as what it says, never resolved.
        XCTAssertEqual(export.paths, ["after.txt", "escape/pwned_via_chain.txt", "same"])
        XCTAssertEqual(export.issues.map(\.entry), ["passwd_link", "link", "escape", "same"])
        XCTAssertTrue(export.issues.allSatisfy { $0.kind == .link }, "\(export.issues)")
        XCTAssertTrue(export.issues[0].reason.contains("/etc/passwd"), export.issues[0].reason)
        XCTAssertEqual(try text(export, "same"), "file first")
        XCTAssertEqual(try text(export, "escape/pwned_via_chain.txt"), "written through the chain?")
        XCTAssertEqual(dir.snapshot(), before)
    }

    func testEncryptedEntryMidArchiveDoesNotHideLaterEntries() throws {
        var secret = ZipEntry.stored("two.jpg", noise(100))
        secret.flags |= 1   // "encrypted"
        let dir = try TemporaryFolder()
        let url = try dir.write("enc.zip", ZipBuilder(entries: [
            .stored("one.txt", "one"), secret, .stored("three.txt", "three"),
        ]).build())
        let export = try openOne(url)
        XCTAssertEqual(export.paths, ["one.txt", "three.txt"])
        XCTAssertEqual(export.issues.map(\.kind), [.encrypted])
        XCTAssertEqual(export.issues.first?.entry, "two.jpg")
        XCTAssertEqual(try text(export, "three.txt"), "three")
        let (all, issues) = try readEverything(export)
        XCTAssertEqual(issues, [])
        XCTAssertEqual(all["three.txt"], Data("three".utf8))
    }

    func testTruncatedDeflateFailsThatEntryQuickly() throws {
        let dir = try TemporaryFolder()
        let media = noise(200_000, seed: 5)
        var cut = try ZipEntry.deflated("cut.jpg", media)
        cut.payload = cut.payload.prefix(cut.payload.count / 2)
        // A stored deflate block that promises 65,535 bytes, and the entry ends after 10.
        var storedPromise = ZipEntry.stored("promise.jpg", Data(count: 65_535))
        storedPromise.method = 8
        storedPromise.payload = Data([0x01, 0xff, 0xff, 0x00, 0x00]) + Data(count: 10)
        var cutJSON = try ZipEntry.deflated("meta.json", Data(String(repeating: "{\"k\":\"v\"},", count: 5000).utf8))
        cutJSON.payload = cutJSON.payload.prefix(cutJSON.payload.count / 2)
        let url = try dir.write("trunc.zip", ZipBuilder(entries: [
            .stored("before.txt", "before"), cut, storedPromise, cutJSON, try .deflated("after.jpg", media),
        ]).build())
        let export = try withinSeconds(10) { try openOne(url) }
        // The metadata file is read while indexing: reported there and not listed.
        XCTAssertEqual(export.paths, ["after.jpg", "before.txt", "cut.jpg", "promise.jpg"])
        XCTAssertEqual(export.issues.map(\.entry), ["meta.json"])
        XCTAssertEqual(export.issues.first?.kind, .corrupt)
        let (all, issues) = try withinSeconds(10) { try readEverything(export) }
        XCTAssertEqual(Set(issues.compactMap(\.entry)), ["cut.jpg", "promise.jpg"], "\(issues)")
        XCTAssertTrue(issues.allSatisfy { $0.kind == .corrupt && $0.archive == "trunc.zip" }, "\(issues)")
        XCTAssertEqual(all["after.jpg"], media)
        XCTAssertEqual(all["before.txt"], Data("before".utf8))
        XCTAssertThrowsError(try withinSeconds(10) { try export.contents(of: "cut.jpg", maxBytes: 1 << 20) }) { error in
            XCTAssertTrue("\(error)".contains("trunc.zip: cut.jpg: unreadable"), "\(error)")
        }
    }

    func testLyingSizeIsCappedAtDeclaredSize() throws {
        let dir = try TemporaryFolder()
        let url = try dir.write("lie.zip", ZipBuilder(entries: [
            try .deflated("bomb.jpg", Data(count: 20 << 20), declaredSize: 10),
            .stored("ok.txt", "ok"),
        ]).build())
        let export = try openOne(url)
        XCTAssertEqual(export.paths, ["bomb.jpg", "ok.txt"])
        var delivered: Int64 = 0
        let issues = try withinSeconds(20) {
            try export.forEachFile { path, reader in
                _ = try reader.stream { _ in }
                delivered = max(delivered, reader.bytesRead)
            }
        }
        XCTAssertEqual(issues.count, 1, "\(issues)")
        XCTAssertEqual(issues.first?.entry, "bomb.jpg")
        XCTAssertEqual(issues.first?.kind, .tooLarge)
        XCTAssertTrue(issues.first?.reason.contains("10 bytes its header declares") ?? false, "\(issues)")
        XCTAssertLessThan(delivered, 2 << 20, "the read must stop near the declared size, not inflate 20 MiB")
    }

    func testPerEntryCapAndPassBudget() throws {
        let dir = try TemporaryFolder()
        var entries: [ZipEntry] = []
        let kernel = try ZipEntry.deflated("zeros.jpg", Data(count: 2 << 20))
        for i in 0..<8 { var entry = kernel; entry.name = Array("zeros\(i).jpg".utf8); entries.append(entry) }
        let url = try dir.write("bombish.zip", ZipBuilder(entries: entries).build())
        // Per entry: a 1 MiB cap on 2 MiB entries.
        let export = try openOne(url)
        let (_, capped) = try readEverything(export, maxBytesPerEntry: 1 << 20)
        XCTAssertEqual(capped.count, 8)
        XCTAssertTrue(capped.allSatisfy { $0.kind == .tooLarge && $0.reason.contains("1048576-byte limit") }, "\(capped)")
        // Per pass: a 5 MiB budget stops during the third entry.
        var limits = ArchiveLimits()
        limits.maxBytesPerPass = 5 << 20
        let budgeted = try openOne(url, limits)
        let (read, issues) = try readEverything(budgeted)
        XCTAssertEqual(read.count, 2)
        XCTAssertEqual(issues.filter { $0.kind == .budgetExceeded }.count, 2, "\(issues)")  // the entry and the stop
        XCTAssertEqual(issues.filter { $0.kind == .notFound }.count, 5, "\(issues)")
    }

    func testOverlappingEntriesAreRejectedBeforeDecompression() throws {
        let dir = try TemporaryFolder()
        let big = noise(1_000_000, seed: 11)
        var zip = ZipBuilder(entries: [.stored("real.txt", "real"), try .deflated("kernel.jpg", Data(count: 8 << 20)),
                                       try .deflated("big.jpg", big)])
        zip.aliases = (0..<20).map { (name: "alias\($0).jpg", target: 1) }
        let url = try dir.write("overlap.zip", zip.build())
        let export = try withinSeconds(10) { try openOne(url) }
        XCTAssertEqual(export.paths, ["big.jpg", "real.txt"])
        // The kept entries are read through the rewritten directory, across many read blocks.
        let (all, passIssues) = try readEverything(export)
        XCTAssertEqual(passIssues, [])
        XCTAssertEqual(all["big.jpg"], big)
        XCTAssertEqual(try export.contents(of: "big.jpg", maxBytes: 2 << 20), big)
        let overlaps = export.issues.filter { $0.kind == .overlap }
        XCTAssertFalse(overlaps.isEmpty)
        XCTAssertTrue(overlaps.allSatisfy { $0.reason.contains("possible zip bomb") }, "\(overlaps)")
        XCTAssertEqual(try text(export, "real.txt"), "real")
    }

    /// Distinct local headers whose data ranges overlap (the "quoted" construction: the first
    /// entry's data swallows the second entry's header and data).
    func testEntriesWithOverlappingRangesAreRejected() throws {
        let dir = try TemporaryFolder()
        var first = ZipEntry.stored("first.jpg", noise(100))
        first.centralCompressedSize = UInt32(100 + 30 + "second.jpg".utf8.count + 100)
        first.uncompressedSize = first.centralCompressedSize!
        let url = try dir.write("quoted.zip", ZipBuilder(entries: [
            first, .stored("second.jpg", noise(100, seed: 9)), .stored("third.txt", "third"),
        ]).build())
        let export = try withinSeconds(10) { try openOne(url) }
        XCTAssertEqual(export.paths, ["third.txt"])
        XCTAssertEqual(Set(export.issues.filter { $0.kind == .overlap }.compactMap(\.entry)), ["first.jpg", "second.jpg"])
        XCTAssertTrue(export.issues.first { $0.entry == "second.jpg" }?.reason.contains("overlaps entry 'first.jpg'") ?? false,
                      "\(export.issues)")
    }

    func testDuplicateNamesAreReportedAndNothingIsLost() throws {
        let dir = try TemporaryFolder()
        let url = try dir.write("dup.zip", ZipBuilder(entries: [
            .stored("dup.txt", "first"), .stored("dup.txt", "second"),
            .stored("A.jpg", "upper"), .stored("a.jpg", "lower"),
            .stored("caf\u{e9}.txt", "nfc"), .stored("cafe\u{301}.txt", "nfd"),
            .stored("after.txt", "after"),
        ]).build())
        let export = try openOne(url)
        XCTAssertEqual(export.paths, ["A.jpg", "a.jpg", "after.txt", "caf\u{e9}.txt", "dup.txt"])
        XCTAssertEqual(export.issues.map(\.kind), [.duplicate, .duplicate], "\(export.issues)")
        XCTAssertEqual(try text(export, "dup.txt"), "first")
        XCTAssertEqual(try text(export, "a.jpg"), "lower")
        XCTAssertEqual(try text(export, "after.txt"), "after")
    }

    func testLongNames() throws {
        let dir = try TemporaryFolder()
        let long = String(repeating: "d/", count: 100) + String(repeating: "n", count: 250) + ".jpg"
        let tooLong = String(repeating: "x", count: 5000) + ".jpg"
        let url = try dir.write("long.zip", ZipBuilder(entries: [.stored(long, "long"), .stored(tooLong, "too long")]).build())
        let export = try openOne(url)
        XCTAssertEqual(export.paths, [long])
        XCTAssertEqual(export.issues.map(\.kind), [.unsafePath])
        XCTAssertTrue(export.issues[0].reason.contains("longer than 4096"), export.issues[0].reason)
        XCTAssertEqual(try text(export, long), "long")
    }

    func testLegacyAndUnicodeNames() throws {
        let dir = try TemporaryFolder()
        var cp437 = ZipEntry.stored("x", "cp437")
        cp437.name = Array("caf".utf8) + [0x82] + Array(".txt".utf8)          // é in CP437, UTF-8 flag clear
        var cp437b = ZipEntry.stored("x", "cp437b")
        cp437b.name = Array("na".utf8) + [0x8b] + Array("ve.txt".utf8)      // ï in CP437
        let url = try dir.write("names.zip", ZipBuilder(entries: [
            cp437, cp437b, .stored("日本/写真.jpg", "utf8"), .stored("emoji 😀.txt", "emoji"),
        ]).build())
        let export = try openOne(url)
        XCTAssertEqual(Set(export.paths), ["caf\u{e9}.txt", "na\u{ef}ve.txt", "日本/写真.jpg", "emoji 😀.txt"])
        XCTAssertEqual(try text(export, "caf\u{e9}.txt"), "cp437")
        XCTAssertEqual(try text(export, "日本/写真.jpg"), "utf8")
        let (all, issues) = try readEverything(export)
        XCTAssertEqual(issues, [])
        XCTAssertEqual(all.count, 4)

        let tar = dir.url.appendingPathComponent("latin1.tgz")
        try Python.tar([.file("caf\u{e9}.txt", Data("latin".utf8))], to: tar, encoding: "latin-1")
        XCTAssertEqual(try openOne(tar).paths, ["caf\u{e9}.txt"])
    }

    func testTruncatedCentralDirectoryFallsBackToLocalHeaders() throws {
        let dir = try TemporaryFolder()
        let whole = ZipBuilder(entries: [.stored("one.json", "{}"), .stored("two.jpg", noise(1000))]).build()
        // Cut inside the central directory: the end record is gone.
        let directoryStart = whole.count - 22 - (46 + 8) - (46 + 7)
        let url = try dir.write("cutdir.zip", whole.prefix(directoryStart + 30))
        let export = try withinSeconds(10) { try openOne(url) }
        XCTAssertEqual(export.paths, ["one.json", "two.jpg"])
        XCTAssertTrue(export.issues.contains { $0.kind == .corrupt && $0.reason.contains("end-of-central-directory") },
                      "\(export.issues)")
        XCTAssertEqual(try text(export, "one.json"), "{}")
        XCTAssertEqual(try export.contents(of: "two.jpg", maxBytes: 5000), noise(1000))
    }

    func testBogusDirectoryOffsetIsReportedNotSilent() throws {
        let dir = try TemporaryFolder()
        var bytes = ZipBuilder(entries: [.stored("one.json", "{}")]).build()
        bytes.replaceSubrange((bytes.count - 6)..<(bytes.count - 2), with: [0xff, 0xff, 0xff, 0x7f])
        let url = try dir.write("bogus.zip", bytes)
        let export = try withinSeconds(10) { try openOne(url) }
        XCTAssertTrue(export.issues.contains { $0.kind == .corrupt && $0.reason.contains("outside the file") }, "\(export.issues)")
        XCTAssertEqual(export.paths, ["one.json"])
    }

    func testEntryCountMismatchIsReported() throws {
        let dir = try TemporaryFolder()
        var bytes = ZipBuilder(entries: [.stored("one.json", "{}")]).build()
        bytes[bytes.count - 12] = 5; bytes[bytes.count - 14] = 5      // EOCD claims 5 entries
        let url = try dir.write("count.zip", bytes)
        let export = try openOne(url)
        XCTAssertEqual(export.paths, ["one.json"])
        XCTAssertTrue(export.issues.contains { $0.reason.contains("lists 5 entries but 1") }, "\(export.issues)")
    }

    /// The directory points at a damaged local header: that entry is reported, and the
    /// entries after it stay readable.
    func testDamagedLocalHeaderMidArchive() throws {
        let dir = try TemporaryFolder()
        var bytes = ZipBuilder(entries: [.stored("one.txt", "one"), .stored("two.jpg", "two"), .stored("three.txt", "three")]).build()
        let second = 30 + 7 + 3
        bytes[second] = 0x00    // "PK\3\4" → "\0K\3\4"
        let export = try withinSeconds(10) { try openOne(try dir.write("damaged.zip", bytes)) }
        XCTAssertEqual(export.paths, ["one.txt", "three.txt"], "\(export.issues)")
        XCTAssertEqual(export.issues.first?.entry, "two.jpg", "\(export.issues)")
        XCTAssertEqual(export.issues.first?.kind, .corrupt, "\(export.issues)")
        XCTAssertEqual(try text(export, "three.txt"), "three")
    }

    func testSpannedPartIsRefused() throws {
        let dir = try TemporaryFolder()
        var zip = ZipBuilder(entries: [.stored("one.json", "{}")])
        zip.diskNumber = 1
        let url = try dir.write("export.zip", zip.build())
        XCTAssertThrowsError(try openOne(url)) { error in
            XCTAssertEqual((error as? ArchiveIssue)?.kind, .unsupported)
            XCTAssertTrue("\(error)".contains("spanned"), "\(error)")
        }
        var marker = Data([0x50, 0x4b, 0x07, 0x08]); marker.append(zip.build())
        XCTAssertThrowsError(try openOne(try dir.write("export.z01", marker))) { error in
            XCTAssertEqual((error as? ArchiveIssue)?.kind, .unsupported)
        }
    }

    /// Large real exports (Takeout parts of 10-50 GB) end in zip64 records; the directory
    /// pre-scan must follow them to the same entries libarchive reads, and check them too.
    func testZip64EndRecordsAreFollowed() throws {
        let dir = try TemporaryFolder()
        var zip = ZipBuilder(entries: [.stored("a.json", "{}"), try .deflated("b.jpg", noise(10_000))])
        zip.zip64End = true
        let export = try openOne(try dir.write("zip64end.zip", zip.build()))
        XCTAssertEqual(export.paths, ["a.json", "b.jpg"])
        XCTAssertEqual(export.issues, [])
        XCTAssertEqual(try export.contents(of: "b.jpg", maxBytes: 1 << 20), noise(10_000))

        zip.aliases = [(name: "alias.jpg", target: 1)]
        let overlapping = try openOne(try dir.write("zip64overlap.zip", zip.build()))
        XCTAssertEqual(overlapping.paths, ["a.json"])
        zip.aliases = []
        zip.diskNumber = 2
        XCTAssertThrowsError(try openOne(try dir.write("zip64spanned.zip", zip.build()))) {
            XCTAssertEqual(($0 as? ArchiveIssue)?.kind, .unsupported)
        }
    }

    func testZip64ClaimOfHugeSizeDoesNotAllocate() throws {
        let dir = try TemporaryFolder()
        var entry = ZipEntry.stored("huge.jpg", "tiny")
        entry.uncompressedSize = 0xFFFF_FFFF
        var extra = Data(); extra.le16(1); extra.le16(8); extra.le32(0); extra.le32(0x4000_0000)  // 2^62
        entry.centralExtra = extra
        let url = try dir.write("zip64.zip", ZipBuilder(entries: [entry, .stored("ok.txt", "ok")]).build())
        let export = try withinSeconds(10) { try openOne(url) }
        XCTAssertEqual(try text(export, "ok.txt"), "ok")
        let (all, _) = try withinSeconds(10) { try readEverything(export) }
        XCTAssertLessThanOrEqual(all["huge.jpg"]?.count ?? 0, 4)
    }
}

// MARK: - Archives written by real tools, and damaged at random

final class RealToolTests: XCTestCase {
    /// python's zipfile writing to an unseekable stream uses data descriptors (sizes after the
    /// data), like many streaming exporters; the `zip` CLI writes the classic layout.
    func testZipsFromPythonStreamAndZipCLI() throws {
        let dir = try TemporaryFolder()
        let streamed = dir.url.appendingPathComponent("streamed.zip")
        try Python.run("""
            import sys, zipfile
            class Unseekable:
                def __init__(self, f): self.f = f
                def write(self, b): return self.f.write(b)
                def flush(self): self.f.flush()
            with open(sys.argv[1], 'wb') as raw:
                with zipfile.ZipFile(Unseekable(raw), 'w', zipfile.ZIP_DEFLATED) as z:
                    z.writestr('your_activity/posts_1.json', '[{"x": 1}]')
                    z.writestr('media/p.jpg', bytes(range(256)) * 400)
            """, [streamed.path])
        let export = try openOne(streamed)
        XCTAssertEqual(export.paths, ["media/p.jpg", "your_activity/posts_1.json"])
        XCTAssertEqual(export.issues, [])
        XCTAssertEqual(try text(export, "your_activity/posts_1.json"), #"[{"x": 1}]"#)
        XCTAssertEqual(try export.contents(of: "media/p.jpg", maxBytes: 1 << 20), Data((0..<400).flatMap { _ in (0...255).map(UInt8.init) }))

        _ = try dir.write("src/a/b.json", Data("{}".utf8))
        _ = try dir.write("src/c.jpg", noise(5000))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.currentDirectoryURL = dir.url.appendingPathComponent("src")
        process.arguments = ["zip", "-q", "-r", "../cli.zip", "."]
        try process.run(); process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let cli = try openOne(dir.url.appendingPathComponent("cli.zip"))
        XCTAssertEqual(cli.paths, ["a/b.json", "c.jpg"])
        XCTAssertEqual(cli.issues, [])
        XCTAssertEqual(try cli.contents(of: "c.jpg", maxBytes: 1 << 20), noise(5000))
    }

    func testInvalidUTF8WithUTF8FlagIsStillListed() throws {
        let dir = try TemporaryFolder()
        var entry = ZipEntry.stored("x", "bytes")
        entry.name = [0x66, 0xff, 0xfe, 0x2e, 0x6a, 0x70, 0x67]   // "f\xff\xfe.jpg"
        entry.flags = 0x0800
        let url = try dir.write("badutf8.zip", ZipBuilder(entries: [entry, .stored("ok.txt", "ok")]).build())
        let export = try openOne(url)
        XCTAssertEqual(export.paths.count, 2, "\(export.paths) \(export.issues)")
        let odd = try XCTUnwrap(export.paths.first { $0 != "ok.txt" })
        XCTAssertTrue(odd.hasPrefix("f") && odd.hasSuffix(".jpg"), odd)
        XCTAssertEqual(try text(export, odd), "bytes")
        XCTAssertEqual(export.issues.map(\.kind), [.nameEncoding])
        XCTAssertEqual(export.issues.first?.entry, odd)
    }

    func testTakeoutTgzPartsAreGrouped() {
        let urls = ["/x/takeout-20240101T000000Z-002.tgz", "/x/takeout-20240101T000000Z-001.tgz",
                    "/y/takeout-20240101T000000Z-003.tgz", "/x/other.zip", "/x/photos-1.zip"].map(URL.init(fileURLWithPath:))
        XCTAssertEqual(ExportInputs.groupParts(urls), [[urls[1], urls[0]], [urls[2]], [urls[3]], [urls[4]]])
    }

    /// A small mutation fuzzer (reliability.md §7 F1, in miniature): every damaged variant of a
    /// zip and a tgz must open or be refused with an ArchiveIssue, and every pass must finish.
    func testRandomlyDamagedArchivesNeverHangOrCrash() throws {
        let dir = try TemporaryFolder()
        let zip = ZipBuilder(entries: [
            .stored("a.json", #"{"a": [1, 2, 3]}"#), try .deflated("b.jpg", noise(3000)),
            try .deflated("c.json", Data(String(repeating: "{\"k\":1}", count: 300).utf8)), .stored("d.txt", "d"),
        ]).build()
        let tgzURL = dir.url.appendingPathComponent("seed.tgz")
        try Python.tar([.file("a.json", Data("{}".utf8)), .file("b.jpg", noise(3000))], to: tgzURL)
        let tgz = try Data(contentsOf: tgzURL)
        var zip64Builder = ZipBuilder(entries: [.stored("a.json", "{}"), try .deflated("b.jpg", noise(2000))])
        zip64Builder.zip64End = true
        let zip64 = zip64Builder.build()
        let seeds = [zip, tgz, zip64]
        // EXPOSURE_FUZZ_ROUNDS=5000 for a longer local run.
        let rounds = Int(ProcessInfo.processInfo.environment["EXPOSURE_FUZZ_ROUNDS"] ?? "") ?? 300
        var state: UInt64 = 0x1234_5678
        func random(_ bound: Int) -> Int {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Int(state % UInt64(bound))
        }
        var opened = 0, refused = 0
        try withinSeconds(Double(rounds) / 5 + 30) {
            for round in 0..<rounds {
                var bytes = seeds[round % seeds.count]
                for _ in 0..<(1 + random(4)) {
                    switch random(3) {
                    case 0: bytes[random(bytes.count)] = UInt8(random(256))
                    case 1: bytes = bytes.prefix(random(bytes.count) + 1)
                    default:
                        let at = random(bytes.count)
                        bytes.replaceSubrange(at..<min(bytes.count, at + 4), with: [0xff, 0xff, 0xff, 0xff])
                    }
                }
                let url = dir.url.appendingPathComponent("m\(round).bin")
                try bytes.write(to: url)
                do {
                    let export = try openOne(url)
                    opened += 1
                    _ = try export.forEachFile { _, reader in _ = try reader.hashAll() }
                } catch is ArchiveIssue {
                    refused += 1
                }
                try FileManager.default.removeItem(at: url)
            }
        }
        XCTAssertEqual(opened + refused, rounds)
        XCTAssertGreaterThan(opened, 0)
    }
}

final class FolderNameTests: XCTestCase {
    /// A Latin-1 file name on disk (not valid UTF-8) must be listed and readable, not dropped.
    func testNonUTF8FileNameInFolder() throws {
        let dir = try TemporaryFolder()
        let root = dir.url.appendingPathComponent("export")
        _ = try dir.write("export/ok.txt", Data("ok".utf8))
        try Python.run("import os,sys; open(os.path.join(sys.argv[1].encode(), b'caf\\xe9.txt'), 'wb').write(b'latin')", [root.path])
        let export = try openOne(root)
        XCTAssertEqual(export.paths.count, 2, "\(export.paths) \(export.issues)")
        let (all, issues) = try readEverything(export)
        XCTAssertEqual(issues, [], "\(issues)")
        XCTAssertEqual(Set(all.values), [Data("ok".utf8), Data("latin".utf8)])
    }
}

final class ConcurrencyTests: XCTestCase {
    /// Passes over one export from two threads at once (each opens its own handle) agree.
    func testConcurrentPassesOverOneExport() throws {
        let dir = try TemporaryFolder()
        let part1 = dir.url.appendingPathComponent("takeout-1-001.tgz"), part2 = dir.url.appendingPathComponent("takeout-1-002.tgz")
        try Python.tar((0..<20).map { .file("p/\($0).jpg", noise(20_000, seed: UInt64($0 + 1))) }, to: part1)
        try Python.tar((0..<20).map { .file("p/\($0).jpg.json", Data("{\"i\":\($0)}".utf8)) }, to: part2)
        let export = try ExportInputs.open([part1, part2])[0]
        XCTAssertEqual(export.partNames, ["takeout-1-001.tgz", "takeout-1-002.tgz"])
        XCTAssertEqual(export.paths.count, 40)
        let results = [ResultBox<[String: SHA256Digest]>(), ResultBox<[String: SHA256Digest]>()]
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            results[i].result = Result {
                var digests: [String: SHA256Digest] = [:]
                let issues = try export.forEachFile { path, reader in digests[path] = try reader.hashAll().0 }
                XCTAssertEqual(issues, [])
                return digests
            }
        }
        let first = try results[0].result!.get(), second = try results[1].result!.get()
        XCTAssertEqual(first.count, 40)
        XCTAssertEqual(first, second)
        XCTAssertEqual(first["p/7.jpg"], SHA256.hash(noise(20_000, seed: 8)))
        XCTAssertEqual(try text(export, "p/7.jpg.json"), "{\"i\":7}")
    }
}
