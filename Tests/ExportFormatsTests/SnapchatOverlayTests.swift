import Foundation
import XCTest
import ExposureModel
import ExposureTestSupport
@testable import ExportFormats

/// Issue #16: overlays belong to their main memory, split memories stay apart, chat media is linked.
final class SnapchatOverlayTests: XCTestCase {
    /// Both parts of the generated download, as one tree (ArchiveInput joins them).
    func joinedFiles() -> [String: Data] {
        SnapchatPartsFixture.mainPart(jpeg: FixtureBytes.jpeg, mp4: FixtureBytes.mp4)
            .merging(SnapchatPartsFixture.memoriesPart(jpeg: FixtureBytes.jpeg, mp4: FixtureBytes.mp4, png: FixtureBytes.png)) { a, _ in a }
    }

    func testThreeMemoriesWithTwoOverlaysAreThreeItems() throws {
        let parsed = try SnapchatExport.read(tree(SnapchatPartsFixture.memoriesPart(jpeg: FixtureBytes.jpeg, mp4: FixtureBytes.mp4, png: FixtureBytes.png)))
        XCTAssertEqual(parsed.media.map(\.path), [
            "memories/2019-07-14_5F3A0C1E-main.jpg", "memories/2020-02-01_9F8E7D6C-main.mp4", "memories/2021-05-05_11AA22BB-main.jpg",
        ])
        XCTAssertEqual(parsed.media.map(\.metadata.hasOverlay), [true, nil, true])
        XCTAssertEqual(parsed.media.map { $0.appearances.map(\.kind) }, [[.memory], [.memory], [.memory]])
        XCTAssertEqual(parsed.warnings, [])
    }

    func testJoinedPartsDateAndPlaceEveryBundledMemory() throws {
        let parsed = try SnapchatExport.read(tree(joinedFiles()))
        let memories = parsed.media.filter { $0.appearances.contains { $0.kind == .memory } }
        XCTAssertEqual(memories.count, 4)
        XCTAssertEqual(memories.filter { !$0.isPresent }.map(\.path), ["memories/2022-03-03_09-30-00_GONE-1.jpg"])
        let present = memories.filter(\.isPresent)
        XCTAssertEqual(present.filter { $0.metadata.takenTime != nil }.count, 3)
        XCTAssertEqual(present.filter { $0.metadata.location != nil }.count, 2)
        XCTAssertEqual(present.filter { $0.metadata.hasOverlay == true }.count, 2)
        XCTAssertEqual(try item(parsed, "memories/2021-05-05_11AA22BB-main.jpg").metadata.takenTime, epoch(1620216000))
        XCTAssertEqual(parsed.warnings, ["json/memories_history.json: 1 memories are not in the export (download links only)"])
    }

    func testChatMediaIsLinkedToItsMessage() throws {
        let parsed = try SnapchatExport.read(tree(joinedFiles()))
        XCTAssertEqual(try item(parsed, "chat_media/2021-01-01_b~ChatOne.jpg").appearances, [
            Appearance(kind: .other, album: "Chat: anna", caption: "From anna", postTime: epoch(1609495200), platformID: "b~ChatOne"),
        ])
        XCTAssertEqual(try item(parsed, "chat_media/2021-02-02_b~Unlisted.jpg").appearances, [])
        XCTAssertEqual(parsed.media.count, 6)   // 3 present memories, 1 missing, 2 chat media; no overlay
    }

    func testMemoriesSplitIntoSeveralFilesWithOneTimestampStaySeparate() throws {
        let history = #"""
        { "Saved Media": [
            { "Date": "2023-06-01 20:00:00 UTC", "Media Type": "Video", "Location": "Latitude, Longitude: 46.2, 6.15" },
            { "Date": "2023-06-01 20:00:00 UTC", "Media Type": "Video", "Location": "Latitude, Longitude: 46.2, 6.15" }
        ] }
        """#
        let files: [String: Data] = [
            "json/memories_history.json": FixtureBytes.text(history),
            "memories/2023-06-01_AAAA0001-main.mp4": FixtureBytes.mp4("part 1"),
            "memories/2023-06-01_AAAA0002-main.mp4": FixtureBytes.mp4("part 2"),
            "memories/2023-06-01_AAAA0002-overlay.png": FixtureBytes.png("caption"),
        ]
        let parsed = try SnapchatExport.read(tree(files))
        XCTAssertEqual(parsed.media.map(\.path), ["memories/2023-06-01_AAAA0001-main.mp4", "memories/2023-06-01_AAAA0002-main.mp4"])
        XCTAssertTrue(parsed.media.allSatisfy { $0.isPresent && $0.metadata.takenTime == epoch(1685649600) })
        XCTAssertEqual(parsed.media.map(\.metadata.hasOverlay), [nil, true])
        XCTAssertEqual(parsed.warnings, [])
    }

    func testOverlayWithoutItsMainIsNoItemAndIsReported() throws {
        let files: [String: Data] = [
            "memories/2023-06-01_AAAA0001-main.mp4": FixtureBytes.mp4("clip"),
            "memories/2023-06-02_BBBB0001-overlay.png": FixtureBytes.png("stray"),
            "chat_media/2019-02-13_media~zip-38FD.mp4": FixtureBytes.mp4("snap"),
            "chat_media/2019-02-13_overlay~zip-31FB.png": FixtureBytes.png("snap layer"),
        ]
        let parsed = try SnapchatExport.read(tree(files))
        XCTAssertEqual(parsed.media.map(\.path), ["chat_media/2019-02-13_media~zip-38FD.mp4", "memories/2023-06-01_AAAA0001-main.mp4"])
        XCTAssertEqual(parsed.media.map(\.metadata.hasOverlay), [true, nil])
        XCTAssertEqual(parsed.warnings, ["memories/2023-06-02_BBBB0001-overlay.png: caption overlay without its main file; not counted as an item"])
    }
}
