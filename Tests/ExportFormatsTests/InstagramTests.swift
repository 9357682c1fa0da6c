import Foundation
import XCTest
import ExposureModel
@testable import ExportFormats

final class InstagramTests: XCTestCase {
    func testRecognizesEveryEra() {
        for era in InstagramFixtures.Era.allCases {
            XCTAssertTrue(InstagramExport.recognizes(tree(InstagramFixtures.files(era))), era.rawValue)
        }
    }

    /// A stray `media.json` that is not Instagram's (no `path` lists) is not enough.
    func testDoesNotClaimAnUnrelatedMediaJSON() {
        XCTAssertFalse(InstagramExport.recognizes(tree(["media.json": FixtureBytes.text(#"{ "photos": 3 }"#),
                                                        "a.jpg": FixtureBytes.jpeg()])))
    }

    func testExtracts2022And2025() throws {
        for era in [InstagramFixtures.Era.content2022, .activity2025] {
            let files = InstagramFixtures.files(era)
            let parsed = try InstagramExport.read(tree(files))
            assertEveryMediaFileListedOnce(files, parsed)
            XCTAssertEqual(parsed.media.count, 6, "\(era): \(parsed.media.map(\.path))")
            XCTAssertEqual(parsed.ownerName, era == .activity2025 ? "Jürgen Krämer" : nil)
            XCTAssertEqual(parsed.ownerUsername, era == .activity2025 ? "jurgen.k" : nil)
            let source = "\(InstagramFixtures.jsonRoot(era))/posts_1.json"

            let trail = try item(parsed, "media/posts/202201/1111_2222_3333_n_4444.webp")
            XCTAssertEqual(trail.appearances, [Appearance(kind: .post, caption: "Café on the trail 😂", postTime: epoch(1641036000))])
            XCTAssertEqual(trail.metadata.takenTime, epoch(1641036153), "2022:01:01 11:22:33 kept as UTC wall clock")
            assertLocation(trail.metadata.location, 46.55, 7.98)
            XCTAssertEqual(trail.metadata.deviceID, "android-0123456789abcdef")
            XCTAssertEqual(trail.metadata.cameraMake, "Apple")
            XCTAssertEqual(trail.metadata.cameraModel, "iPhone 8 back camera 3.99mm f/1.8")
            XCTAssertEqual(trail.metadata.sourceFile, source)

            // Carousel: the post-level caption; an extension-less file; a missing one.
            let first = try item(parsed, "media/posts/201806/aaa_17949994489068497")
            XCTAssertEqual(first.appearances, [Appearance(kind: .post, caption: "Which one looks best, 1 or 2?", postTime: epoch(1530370210))])
            let second = try item(parsed, "media/posts/201806/bbb_17883999907227667.jpg")
            XCTAssertFalse(second.isPresent)
            XCTAssertEqual(parsed.warnings, ["\(source): 1 referenced media file(s) not in the export (e.g. media/posts/201806/bbb_17883999907227667.jpg)"])

            let story = try item(parsed, "media/stories/202203/story1.mp4")
            XCTAssertEqual(story.appearances.map(\.kind), [.story])
            XCTAssertNil(story.metadata.location, "(0, 0) is Instagram's empty location")
            XCTAssertEqual(story.metadata.deviceID, "26FB9E66-0000-4000-8000-ABCDEF012345")

            let profile = try item(parsed, "media/other/1168_3389_3002_n_17845874774284126.jpg")
            XCTAssertTrue(profile.isProfilePicture)
            XCTAssertEqual(profile.appearances, [Appearance(kind: .profilePicture, postTime: epoch(1596126357),
                                                            audience: InstagramExport.audience(of: Appearance(kind: .profilePicture), account: nil))])
            XCTAssertEqual(profile.appearances.first?.audience?.level, .public, "profile pictures are shown to anyone")

            let unlisted = try item(parsed, "media/other/unlisted.jpg")
            XCTAssertEqual(unlisted.appearances, [])
            XCTAssertFalse(unlisted.isProfilePicture)
        }
    }

    func testExtractsLegacyMediaJSON() throws {
        let files = InstagramFixtures.files(.mediaJSON2019)
        let parsed = try InstagramExport.read(tree(files))
        assertEveryMediaFileListedOnce(files, parsed)
        XCTAssertEqual(parsed.ownerName, "Jürgen Krämer")
        XCTAssertEqual(parsed.ownerUsername, "jurgen.k")
        XCTAssertEqual(parsed.media.count, 5)
        let market = try item(parsed, "photos/201812/3e02b2be0d7abbdb7c2bae1fee544665.jpg")
        XCTAssertEqual(market.appearances, [Appearance(kind: .post, caption: "Sunday market", postTime: epoch(1546243513))])
        XCTAssertEqual(market.metadata.placeName, "West End, Vancouver")
        XCTAssertNil(market.metadata.takenTime, "taken_at is the upload time")
        XCTAssertEqual(try item(parsed, "photos/201812/missing.jpg").isPresent, false)
        XCTAssertEqual(try item(parsed, "direct/201810/ffee.jpg").appearances.first?.album, "direct")
        XCTAssertTrue(try item(parsed, "profile/201801/me.jpg").isProfilePicture)
        XCTAssertEqual(try item(parsed, "videos/201811/0a1b2c.mp4").appearances.first?.postTime, epoch(1541185304))
    }

    func testSinglePostFileMayBeABareObject() throws {
        let files: [String: Data] = [
            "media/posts/202001/only.jpg": FixtureBytes.jpeg(),
            "content/posts_1.json": FixtureBytes.text(#"{ "media": [ { "uri": "media/posts/202001/only.jpg", "creation_timestamp": 1580000000, "title": "Solo" } ] }"#),
        ]
        let parsed = try InstagramExport.read(tree(files))
        XCTAssertEqual(try item(parsed, "media/posts/202001/only.jpg").appearances.first?.caption, "Solo")
        XCTAssertEqual(parsed.warnings, [])
    }

    func testMessengerPhotosGetTheirThread() throws {
        let files: [String: Data] = [
            "your_instagram_activity/messages/inbox/anna_123/photos/p.jpg": FixtureBytes.jpeg("p"),
            "your_instagram_activity/messages/inbox/anna_123/message_1.json": FixtureBytes.text(#"""
            { "participants": [ { "name": "Anna" } ], "title": "Anna \u00f0\u009f\u0098\u0082",
              "messages": [ { "sender_name": "Anna", "timestamp_ms": 1650000000000,
                "photos": [ { "uri": "your_instagram_activity/messages/inbox/anna_123/photos/p.jpg", "creation_timestamp": 1650000001 } ] },
                { "sender_name": "Anna", "timestamp_ms": 1650000005000, "content": "hi" } ] }
            """#),
        ]
        XCTAssertTrue(InstagramExport.recognizes(tree(files)))
        let parsed = try InstagramExport.read(tree(files))
        XCTAssertEqual(try item(parsed, "your_instagram_activity/messages/inbox/anna_123/photos/p.jpg").appearances,
                       [Appearance(kind: .other, album: "Messages: Anna 😂", postTime: epoch(1650000001),
                                   audience: Audience(.shared, evidence: "Messages: Anna 😂: sent in a private conversation"))])
        XCTAssertEqual(parsed.warnings, [])
    }

    func testCorruptFilesAreSkippedWithAWarningNamingThem() throws {
        var files = InstagramFixtures.files(.activity2025)
        files["your_instagram_activity/media/posts_1.json"] = FixtureBytes.text(#"[ { "media": [ { "uri": "media/po"#)
        files["your_instagram_activity/media/stories.json"] = FixtureBytes.text(#"[ 1, 2 ]"#)
        files["your_instagram_activity/media/profile_photos.json"] = FixtureBytes.text(#""just a string""#)
        let parsed = try InstagramExport.read(tree(files))
        let warnings = parsed.warnings.joined(separator: "\n")
        XCTAssertTrue(warnings.contains("your_instagram_activity/media/posts_1.json: not valid JSON"), warnings)
        XCTAssertTrue(warnings.contains("your_instagram_activity/media/profile_photos.json: expected an object with a \"ig_profile_picture\" list, found a string"), warnings)
        XCTAssertTrue(warnings.contains("your_instagram_activity/media/stories.json: 2 entr(ies) skipped: not a media object with a uri string"), warnings)
        XCTAssertEqual(parsed.warnings.count, 3, warnings)
        XCTAssertEqual(parsed.ownerName, "Jürgen Krämer")
        // The profile photo is still known from personal_information.json.
        XCTAssertTrue(try item(parsed, "media/other/1168_3389_3002_n_17845874774284126.jpg").isProfilePicture)
        assertEveryMediaFileListedOnce(files, parsed)
    }
}
