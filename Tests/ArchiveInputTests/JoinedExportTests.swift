import Foundation
import XCTest
@testable import ArchiveInput

/// ExportArchive(joining:): the parts of one download, opened apart, read as one tree (issue #16).
final class JoinedExportTests: XCTestCase {
    func testJoinedPartsAreOneTreeReadFromEachPart() throws {
        let dir = try TemporaryFolder()
        let photo = noise(30_000, seed: 3)
        let main = try dir.write("mydata~1733140000000.zip", ZipBuilder(entries: [
            .stored("json/memories_history.json", #"{"Saved Media": []}"#),
            .stored("chat_media/2021-01-01_b~x.jpg", "chat"),
        ]).build())
        let memories = try dir.write("mydata~1733140000000-2.zip", ZipBuilder(entries: [
            try .deflated("memories/2019-07-14_A-main.jpg", photo),
        ]).build())
        let folder = dir.url.appendingPathComponent("mydata~1733140000000-3")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("shared_story"), withIntermediateDirectories: true)
        try Data("story".utf8).write(to: folder.appendingPathComponent("shared_story/s.mp4"))
        let before = dir.snapshot()

        let parts = try [main, memories, folder].map { try ExportArchive(parts: [$0]) }
        let joined = ExportArchive(joining: parts)
        XCTAssertEqual(joined.displayName, "mydata~1733140000000.zip")
        XCTAssertEqual(joined.partNames, ["mydata~1733140000000.zip", "mydata~1733140000000-2.zip", "mydata~1733140000000-3"])
        XCTAssertEqual(joined.paths, ["chat_media/2021-01-01_b~x.jpg", "json/memories_history.json",
                                      "memories/2019-07-14_A-main.jpg", "shared_story/s.mp4"])
        XCTAssertEqual(String(decoding: try joined.contents(of: "json/memories_history.json", maxBytes: 1 << 20), as: UTF8.self),
                       #"{"Saved Media": []}"#)
        XCTAssertEqual(try joined.contents(of: "memories/2019-07-14_A-main.jpg", maxBytes: 1 << 20), photo)
        var read: [String: Data] = [:]
        let issues = try joined.forEachFile { path, reader in read[path] = try reader.readAll() }
        XCTAssertEqual(issues, [])
        XCTAssertEqual(read.count, 4)
        XCTAssertEqual(read["shared_story/s.mp4"], Data("story".utf8))
        XCTAssertEqual(read["chat_media/2021-01-01_b~x.jpg"], Data("chat".utf8))
        XCTAssertEqual(joined.issues, [])
        XCTAssertEqual(dir.snapshot(), before, "nothing written or changed")
    }

    func testAPathInTwoPartsIsTakenFromTheFirstAndReported() throws {
        let dir = try TemporaryFolder()
        let a = try dir.write("a.zip", ZipBuilder(entries: [.stored("html/index.html", "first"), .stored("a.json", "{}")]).build())
        let b = try dir.write("b.zip", ZipBuilder(entries: [.stored("html/index.html", "second")]).build())
        let joined = ExportArchive(joining: try [a, b].map { try ExportArchive(parts: [$0]) })
        XCTAssertEqual(joined.paths, ["a.json", "html/index.html"])
        XCTAssertEqual(String(decoding: try joined.contents(of: "html/index.html", maxBytes: 100), as: UTF8.self), "first")
        XCTAssertEqual(joined.issues.map(\.description), [
            "b.zip: html/index.html: duplicate name: the entry in a.zip with the same path is used; this one is skipped",
        ])
    }
}
