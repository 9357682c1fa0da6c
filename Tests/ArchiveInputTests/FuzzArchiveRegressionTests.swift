import ArchiveInput
import Foundation
import XCTest

/// Inputs found by `scripts/fuzz` (FuzzArchive), rebuilt from their essential bytes.
final class FuzzArchiveRegressionTests: XCTestCase {
    /// An LZMA zip entry (method 14) is 2 version bytes, a 2-byte properties size (5), then the
    /// LZMA properties: one lc/lp/pb byte and a little-endian dictionary size. The fuzzer's
    /// input (found 2026-11-27, a 436-byte mutated export) declared 0xF6800000 bytes: liblzma,
    /// under libarchive, asks malloc for that whole 3.9 GiB dictionary before decoding a byte.
    /// The allocation is virtual: it is never touched (a 41-byte entry writes 41 bytes), fails
    /// cleanly under an address-space limit, and costs no resident memory, which is what
    /// this test pins. (libarchive offers no memory limit for its LZMA reader; the fuzz
    /// harness allows such untouched allocations and keeps its resident-memory limit.)
    static func lzmaEntry(_ name: String, dictionary: UInt32) -> ZipEntry {
        var payload = Data([0x09, 0x04, 0x05, 0x00, 0x5D])
        withUnsafeBytes(of: dictionary.littleEndian) { payload.append(contentsOf: $0) }
        payload.append(contentsOf: [0x00, 0x3D, 0x88, 0x89, 0xC6, 0x54, 0x36, 0xC3, 0x17, 0x4F, 0xE4, 0xEE, 0x53, 0x1E])
        return ZipEntry(name: Array(name.utf8), payload: payload, method: 14, crc: 0x531C_133E, uncompressedSize: 41)
    }

    private func peakResidentKB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss
    }

    func testLZMAEntryDeclaringA4GiBDictionaryCostsNoMemoryAndOthersAreRead() throws {
        let dir = try TemporaryFolder()
        let zip = ZipBuilder(entries: [
            Self.lzmaEntry("your_facebook_activity/posts/album/0.json", dictionary: 0xF680_0000),
            .stored("your_facebook_activity/posts/media/a.jpg", "not really a jpeg"),
        ]).build()
        let url = try dir.write("export.zip", zip)
        let before = peakResidentKB()
        let started = Date()
        let export = try ExportArchive(parts: [url])
        var read: [String: Data] = [:]
        let issues = try export.forEachFile(nil) { path, reader in read[path] = try reader.readAll() }
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        XCTAssertLessThan(peakResidentKB() - before, 64 << 10, "the declared dictionary must not become resident")
        // The garbage stream is reported for its entry when the archive is indexed; the stored
        // entry after it is read.
        XCTAssertEqual(export.issues.map(\.entry), ["your_facebook_activity/posts/album/0.json"])
        XCTAssertTrue(export.issues[0].reason.contains("unreadable"), export.issues[0].reason)
        XCTAssertEqual(export.paths, ["your_facebook_activity/posts/media/a.jpg"])
        XCTAssertEqual(read, ["your_facebook_activity/posts/media/a.jpg": Data("not really a jpeg".utf8)])
        XCTAssertEqual(issues, [])
    }
}
