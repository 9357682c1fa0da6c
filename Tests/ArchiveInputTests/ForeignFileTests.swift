import ArchiveInput
import Foundation
import XCTest

// Inputs a careless user gives `scan` instead of an export: each is refused in one line that
// names what the file is and what to do, never its first bytes in hex.

/// The issue thrown when `url` is opened, or a test failure.
func refusal(_ url: URL, file: StaticString = #filePath, line: UInt = #line) -> ArchiveIssue? {
    do {
        let export = try ExportArchive(parts: [url])
        XCTFail("\(url.lastPathComponent) opened, with \(export.paths.count) files and issues \(export.issues)", file: file, line: line)
        return nil
    } catch let issue as ArchiveIssue {
        return issue
    } catch {
        XCTFail("not an ArchiveIssue: \(error)", file: file, line: line)
        return nil
    }
}

private let readsWhat = "Exposure reads zip, tar and tar.gz exports (and folders)"

final class ForeignFileTests: XCTestCase {
    func testRARAnd7ZipAreNamedWithTheNextStep() throws {
        let dir = try TemporaryFolder()
        let rar4 = try dir.write("facebook.rar", Data("Rar!".utf8) + Data([0x1a, 0x07, 0x00]) + noise(100))
        let rar5 = try dir.write("export.zip", Data("Rar!".utf8) + Data([0x1a, 0x07, 0x01, 0x00]) + noise(100))   // misnamed: content decides
        for url in [rar4, rar5] {
            let issue = refusal(url)
            XCTAssertEqual(issue?.kind, .unsupported)
            XCTAssertEqual(issue?.description,
                           "\(url.lastPathComponent): a RAR archive: \(readsWhat); extract it first or download the export again as zip")
        }
        let sevenZip = try dir.write("takeout.7z", Data([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0x00, 0x04]) + noise(100))
        XCTAssertEqual(refusal(sevenZip)?.description,
                       "takeout.7z: a 7-Zip archive: \(readsWhat); extract it first or download the export again as zip")
    }

    func testFilesThatAreNoArchiveAtAll() throws {
        let dir = try TemporaryFolder()
        let photoAdvice = "not an export: to scan photos and videos that are not in an export, put them in a folder and scan the folder"
        let cases: [(String, Data, String)] = [
            ("IMG_0001.jpg", Data([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]) + Data("JFIF".utf8) + noise(200), "a JPEG image, \(photoAdvice)"),
            ("me.png", Data([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) + noise(200), "a PNG image, \(photoAdvice)"),
            ("IMG_0002.HEIC", Data([0, 0, 0, 0x18]) + Data("ftypheic".utf8) + noise(200), "a HEIC image, \(photoAdvice)"),
            ("clip.mp4", Data([0, 0, 0, 0x20]) + Data("ftypisom".utf8) + noise(200), "an MP4 video, \(photoAdvice)"),
            ("statement.pdf", Data("%PDF-1.7\n".utf8) + noise(200),
             "a PDF document, not an export: give the zip (or tar) file the platform's download page provides, or the folder it was extracted to"),
            ("download.zip", Data([0xef, 0xbb, 0xbf]) + Data("\n  <!DOCTYPE html>\n<html><body>Sign in</body></html>".utf8),
             "an HTML page, not an export (perhaps a download or sign-in page saved in place of the file): download the export itself, a zip, and scan that; an extracted export is scanned as its folder"),
            ("posts_1.json", Data("[\n  {\"title\": \"hi\"}\n]".utf8),
             "a JSON file, not an export: scan the whole export (its zip, or the folder it was extracted to), not one file from it"),
            ("empty.zip", Data(), "an empty file (0 bytes), not an export: the download may have failed; download the export again"),
        ]
        for (name, bytes, reason) in cases {
            let issue = refusal(try dir.write(name, bytes))
            XCTAssertEqual(issue?.kind, .notAnArchive, name)
            XCTAssertEqual(issue?.archive, name)
            XCTAssertEqual(issue?.reason, reason, name)
        }
    }

    func testUnknownBytesNamedLikeAnArchiveSayDamagedOrIncomplete() throws {
        let dir = try TemporaryFolder()
        let misnamed = try dir.write("facebook-me.zip", Data("just some text".utf8))
        XCTAssertEqual(refusal(misnamed)?.reason,
                       "not a zip, tar or compressed tar archive, though named .zip (starts with 6a 75 73 74): the file may be damaged or not fully downloaded; download the export again")
        let unfinished = try dir.write("takeout-001.zip.crdownload", noise(100, seed: 3))
        XCTAssertTrue(refusal(unfinished)?.reason.hasSuffix("its name ends in .crdownload, an unfinished download: let the download finish, or download the export again") ?? false)
        // Nothing to go on: the first bytes, and what Exposure reads.
        let unknown = try dir.write("mystery.bin", Data([0x00, 0x01, 0x02, 0x03, 0x04]))
        XCTAssertEqual(refusal(unknown)?.reason, "not a zip, tar or compressed tar archive (starts with 00 01 02 03): \(readsWhat)")
    }

    /// gzip, bzip2, xz and zstd around a tar are read (libarchive, in process); around anything
    /// else the message says which compressor and to decompress first.
    func testCompressedTarsAreReadOtherCompressedFilesNamed() throws {
        let dir = try TemporaryFolder()
        let tar = dir.url.appendingPathComponent("plain.tar")
        try Python.tar([.file("a/b.json", Data("{}".utf8))], to: tar, mode: "w")
        let json = try dir.write("photos.json", Data(String(repeating: "{\"a\":1}", count: 100).utf8))
        try Python.run("""
            import sys, gzip, bz2, lzma, subprocess
            tar, json, out = sys.argv[1:4]
            for src, stem in ((tar, 'export.tar'), (json, 'photos.json')):
                data = open(src, 'rb').read()
                open(f'{out}/{stem}.gz', 'wb').write(gzip.compress(data))
                open(f'{out}/{stem}.bz2', 'wb').write(bz2.compress(data))
                open(f'{out}/{stem}.xz', 'wb').write(lzma.compress(data))
                open(f'{out}/{stem}.zst', 'wb').write(subprocess.run(['zstd', '-q', '-c', src], check=True, capture_output=True).stdout)
            open(f'{out}/cut.tgz', 'wb').write(gzip.compress(open(tar, 'rb').read())[:20])
            """, [tar.path, json.path, dir.url.path])
        let tools = ["gz": ("gzip", "gunzip", "a"), "bz2": ("bzip2", "bunzip2", "a"), "xz": ("xz", "unxz", "an"), "zst": ("zstd", "unzstd", "a")]
        for (ext, (name, tool, article)) in tools {
            let export = try ExportArchive(parts: [dir.url.appendingPathComponent("export.tar.\(ext)")])
            XCTAssertEqual(export.paths, ["a/b.json"], ext)
            let issue = refusal(dir.url.appendingPathComponent("photos.json.\(ext)"))
            XCTAssertEqual(issue?.kind, .notAnArchive, ext)
            XCTAssertEqual(issue?.reason, "\(article) \(name)-compressed file that holds no tar archive: \(readsWhat); decompress it first (\(tool)) and scan what is inside")
        }
        XCTAssertEqual(refusal(dir.url.appendingPathComponent("cut.tgz"))?.reason,
                       "named as a compressed tar, but no tar entry could be read from its gzip stream (truncated gzip input): the file may be damaged or not fully downloaded; download the export again")
        // Compressors libarchive is not allowed to run: named, not hex.
        let lz4 = try dir.write("export.tar.lz4", Data([0x04, 0x22, 0x4d, 0x18]) + noise(100))
        XCTAssertEqual(refusal(lz4)?.reason,
                       "an lz4-compressed file: Exposure reads zip and tar exports, plain or compressed with gzip, bzip2, xz or zstd; decompress it first (unlz4) and scan what is inside")
    }
}
