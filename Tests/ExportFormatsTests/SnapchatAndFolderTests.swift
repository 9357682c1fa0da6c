import Foundation
import XCTest
import ExposureModel
@testable import ExportFormats

final class SnapchatTests: XCTestCase {
    func testRecognizesEveryEra() {
        for era in SnapchatFixtures.Era.allCases {
            XCTAssertTrue(SnapchatExport.recognizes(tree(SnapchatFixtures.files(era))), era.rawValue)
        }
    }

    func testLinksOnlyMemoriesAreMissingItems() throws {
        let parsed = try SnapchatExport.read(tree(SnapchatFixtures.files(.linksOnly2022)))
        XCTAssertEqual(parsed.media.map(\.path), [
            "memories/2019-07-14_18-22-05_ABC-123.jpg", "memories/2020-02-01_08-00-00_2.mp4", "memories/2021-05-05_12-00-00_DEF-456.jpg",
        ])
        XCTAssertTrue(parsed.media.allSatisfy { !$0.isPresent })
        let amsterdam = parsed.media[0]
        XCTAssertEqual(amsterdam.metadata.takenTime, epoch(1563128525))
        assertLocation(amsterdam.metadata.location, 52.37022, 4.89517)
        XCTAssertEqual(amsterdam.appearances, [Appearance(kind: .memory, platformID: "ABC-123", audience: Audience(
            .private, evidence: "json/memories_history.json: Snapchat Memories are kept for the account holder only"))])
        XCTAssertNil(parsed.media[1].metadata.location, "0, 0 is no location")
        XCTAssertNil(parsed.media[2].metadata.location)
        XCTAssertEqual(parsed.warnings, ["json/memories_history.json: 3 memories are not in the export (download links only)"])
    }

    func testBundledMemoriesAreMatchedToEntries() throws {
        let files = SnapchatFixtures.files(.bundled2025)
        let parsed = try SnapchatExport.read(tree(files))
        assertEveryMediaFileListedOnce(files, parsed)
        XCTAssertEqual(parsed.media.count, 5, "the overlay is part of its main memory, not an item (issue #16)")
        let byMid = try item(parsed, "memories/2019-07-14_ABC-123-main.jpg")
        assertLocation(byMid.metadata.location, 52.37022, 4.89517)
        XCTAssertEqual(byMid.metadata.takenTime, epoch(1563128525))
        let byDate = try item(parsed, "memories/2020-02-01_9f8e7d-main.mp4")
        XCTAssertEqual(byDate.metadata.takenTime, epoch(1580544000))
        XCTAssertFalse(try item(parsed, "memories/2021-05-05_12-00-00_DEF-456.jpg").isPresent)
        XCTAssertFalse(parsed.media.contains { $0.path == "memories/2019-07-14_ABC-123-overlay.png" })
        XCTAssertEqual(byMid.metadata.hasOverlay, true)
        XCTAssertNil(byDate.metadata.hasOverlay)
        XCTAssertEqual(try item(parsed, "chat_media/2021-01-01_b~chat.jpg").appearances, [])
    }

    func testBundledWithoutJSONStillListsMemories() throws {
        let files = SnapchatFixtures.files(.bundledWithoutJSON2023)
        let parsed = try SnapchatExport.read(tree(files))
        assertEveryMediaFileListedOnce(files, parsed)
        // Two memories (the overlay belongs to the first; issue #16 fixed counting it as a third).
        XCTAssertEqual(parsed.media.filter { $0.appearances.first?.kind == .memory }.count, 2)
        XCTAssertEqual(parsed.warnings, [])
    }

    func testCorruptFilesAreSkippedWithAWarningNamingThem() throws {
        for (text, expected) in [
            (#"{ "Saved Media": [ { "Date": "2019-07"#, "json/memories_history.json: not valid JSON"),
            (#"[ { "Date": "2019-07-14 18:22:05 UTC" } ]"#, "json/memories_history.json: expected an object with a \"Saved Media\" list, found an array"),
        ] {
            var files = SnapchatFixtures.files(.bundled2025)
            files["json/memories_history.json"] = FixtureBytes.text(text)
            let parsed = try SnapchatExport.read(tree(files))
            XCTAssertTrue(parsed.warnings.first?.hasPrefix(expected) ?? false, "\(parsed.warnings)")
            assertEveryMediaFileListedOnce(files, parsed)
        }
        // Wrong types inside entries: kept as memories without the unusable fields.
        let files = ["json/memories_history.json": FixtureBytes.text(#"{ "Saved Media": [ { "Date": 5, "Location": [1], "Media Type": null } ] }"#)]
        let parsed = try SnapchatExport.read(tree(files))
        XCTAssertEqual(parsed.media.count, 1)
        XCTAssertNil(parsed.media.first?.metadata.takenTime)
    }
}

final class FolderTests: XCTestCase {
    func testRecognizesAnyTreeWithMedia() {
        XCTAssertTrue(FolderExport.recognizes(tree(FolderFixtures.files())))
        XCTAssertFalse(FolderExport.recognizes(tree(["notes.txt": FixtureBytes.text("x")])))
    }

    func testEveryMediaFileIsAnItemInItsFolderAlbum() throws {
        let files = FolderFixtures.files()
        let parsed = try FolderExport.read(tree(files))
        assertEveryMediaFileListedOnce(files, parsed)
        XCTAssertEqual(parsed.media.map(\.path), [
            "Family/Kids/party.heic", "Family/Kids/party.webp", "Holidays 2023/beach.JPG", "Holidays 2023/clip.MOV", "top.jpg",
        ])
        XCTAssertEqual(parsed.media.map { $0.appearances.first?.album }, ["Kids", "Kids", "Holidays 2023", "Holidays 2023", nil])
        XCTAssertTrue(parsed.media.allSatisfy { $0.appearances.map(\.kind) == [.folder] && $0.isPresent })
        XCTAssertNil(parsed.ownerName)
    }
}
