import Foundation
import XCTest
import ExposureModel
@testable import ExportFormats

final class FacebookTests: XCTestCase {
    func testRecognizesEveryEra() {
        for era in FacebookFixtures.Era.allCases {
            XCTAssertTrue(FacebookExport.recognizes(tree(FacebookFixtures.files(era))), era.rawValue)
        }
    }

    func testExtractsEveryEra() throws {
        for era in FacebookFixtures.Era.allCases {
            let files = FacebookFixtures.files(era)
            let parsed = try FacebookExport.read(tree(files))
            let p = { FacebookFixtures.path(era, $0) }
            XCTAssertEqual(parsed.platform, .facebook)
            XCTAssertEqual(parsed.ownerName, "Zoë Müller", era.rawValue)
            XCTAssertEqual(parsed.media.count, 8, "\(era): \(parsed.media.map(\.path))")
            XCTAssertEqual(parsed.media.filter { !$0.isPresent }.count, 1, era.rawValue)
            assertEveryMediaFileListedOnce(files, parsed)

            // Album photo, also shared by a later post (timestamp in milliseconds).
            let mobile = try item(parsed, p("mobile1.jpg"))
            XCTAssertTrue(mobile.isPresent)
            XCTAssertFalse(mobile.isProfilePicture)
            XCTAssertEqual(mobile.appearances, [
                Appearance(kind: .album, album: "Téléchargements mobiles", caption: "Sunset at the lake 🌅",
                           postTime: epoch(1437454657), link: "https://www.facebook.com/photo.php?fbid=1016260000000002"),
                Appearance(kind: .post, caption: "Throwback", postTime: epoch(1600100000)),
            ], era.rawValue)
            XCTAssertEqual(mobile.metadata.uploadIP, "203.0.113.7")
            XCTAssertEqual(mobile.metadata.takenTime, epoch(1437148158))
            XCTAssertEqual(mobile.metadata.cameraMake, "Google")
            XCTAssertEqual(mobile.metadata.cameraModel, "Pixel 7")
            assertLocation(mobile.metadata.location, 47.3769, 8.5417)
            XCTAssertEqual(mobile.metadata.sourceFile, "\(FacebookFixtures.postsRoot(era))/album/0.json")

            // Listed in the album but absent: recorded under the uri as written.
            let gone = parsed.media.first { $0.path.hasSuffix("Mobileuploads_1015/gone.jpg") }
            XCTAssertEqual(gone?.isPresent, false, era.rawValue)
            XCTAssertFalse(gone?.path.hasPrefix("facebook-zoe/") ?? true)
            XCTAssertEqual(parsed.warnings.count, 1, "\(era): \(parsed.warnings)")
            XCTAssertTrue(parsed.warnings.first?.contains("album/0.json: 1 referenced media file") ?? false, "\(parsed.warnings)")

            let me = try item(parsed, p("me.jpg"))
            XCTAssertTrue(me.isProfilePicture)
            XCTAssertEqual(me.appearances.map(\.kind), [.profilePicture])
            XCTAssertEqual(me.appearances.first?.album, "Profile pictures")
            XCTAssertNil(me.metadata.uploadIP, "\"-\" is no address")
            XCTAssertNil(me.metadata.takenTime, "0 is no time")

            // Check-in post: text, place, tagged person (mojibake repaired), resolved through the uri quirks in 2023.
            let seine = try item(parsed, p("seine.jpg"))
            XCTAssertEqual(seine.appearances, [Appearance(kind: .post, caption: "Walking along the Seine", postTime: epoch(1600000000))])
            XCTAssertEqual(seine.metadata.placeName, "Pont Neuf")
            assertLocation(seine.metadata.location, 48.857, 2.341)
            XCTAssertEqual(seine.metadata.people, ["Radosław Nowak"])
            XCTAssertEqual(seine.metadata.uploadIP, "198.51.100.23")
            XCTAssertEqual(seine.metadata.takenTime, epoch(1599990000))

            let misc = try item(parsed, p("misc.jpg"))
            XCTAssertEqual(misc.appearances.map(\.kind), [.uncategorized])
            XCTAssertNil(misc.metadata.location, "(0, 0) is no location")
            XCTAssertEqual(misc.metadata.uploadIP, "192.0.2.44")

            let clip = try item(parsed, p("clip.mp4"))
            XCTAssertEqual(clip.appearances, [Appearance(kind: .post, caption: "Waves", postTime: epoch(1620000000))])
            XCTAssertEqual(clip.metadata.uploadIP, "2001:db8::1")

            // Files no JSON names are still items, without metadata.
            let sticker = try item(parsed, p("sticker.png"))
            XCTAssertTrue(sticker.isPresent)
            XCTAssertEqual(sticker.appearances, [])
            XCTAssertEqual(sticker.metadata, PlatformMetadata())

            let messenger = try item(parsed, p("messenger.jpg"))
            XCTAssertEqual(messenger.appearances, [Appearance(kind: .other, album: "Messages: Renée", postTime: epoch(1600000000),
                                                               audience: Audience(.shared, evidence: "Messages: Renée: sent in a private conversation"))])
        }
    }

    func testProfileUpdatesAndStories() throws {
        let files: [String: Data] = [
            "your_facebook_activity/posts/media/x/avatar.jpg": FixtureBytes.jpeg("a"),
            "your_facebook_activity/posts/media/x/cover.jpg": FixtureBytes.jpeg("c"),
            "your_facebook_activity/stories/media/s.jpg": FixtureBytes.jpeg("s"),
            "personal_information/profile_information/profile_update_history.json": FixtureBytes.text(#"""
            { "profile_updates_v2": [
              { "timestamp": 1500000000, "title": "Zo\u00c3\u00ab updated her profile picture.",
                "attachments": [ { "data": [ { "media": { "uri": "your_facebook_activity/posts/media/x/avatar.jpg", "creation_timestamp": 1500000000 } } ] } ] },
              { "timestamp": 1500000100, "title": "Zo\u00c3\u00ab updated her cover photo.",
                "attachments": [ { "data": [ { "media": { "uri": "your_facebook_activity/posts/media/x/cover.jpg", "creation_timestamp": 1500000100 } } ] } ] } ] }
            """#),
            "your_facebook_activity/stories/archived_stories.json": FixtureBytes.text(#"""
            { "archived_stories_v2": [ { "timestamp": 1650000000, "title": "",
                "attachments": [ { "data": [ { "media": { "uri": "your_facebook_activity/stories/media/s.jpg", "creation_timestamp": 1650000000 } } ] } ] } ] }
            """#),
        ]
        let parsed = try FacebookExport.read(tree(files))
        let avatar = try item(parsed, "your_facebook_activity/posts/media/x/avatar.jpg")
        XCTAssertTrue(avatar.isProfilePicture)
        XCTAssertEqual(avatar.appearances, [Appearance(kind: .profilePicture, postTime: epoch(1500000000))])
        let cover = try item(parsed, "your_facebook_activity/posts/media/x/cover.jpg")
        XCTAssertFalse(cover.isProfilePicture)
        XCTAssertEqual(cover.appearances.first?.album, "Cover photos")
        let story = try item(parsed, "your_facebook_activity/stories/media/s.jpg")
        XCTAssertEqual(story.appearances, [Appearance(kind: .story, postTime: epoch(1650000000))])
        XCTAssertEqual(parsed.warnings, [])
    }

    func testCorruptFilesAreSkippedWithAWarningNamingThem() throws {
        var files = FacebookFixtures.files(.facebookActivity2024)
        let root = FacebookFixtures.postsRoot(.facebookActivity2024)
        // Truncated JSON; an array where an album object is expected; wrong types inside; an object where a list is expected.
        files["\(root)/album/0.json"] = FixtureBytes.text(#"{ "name": "Mobile uploads", "photos": [ { "uri": "your_fa"#)
        files["\(root)/album/1.json"] = FixtureBytes.text(#"[ { "name": "Profile pictures" } ]"#)
        files["\(root)/your_uncategorized_photos.json"] = FixtureBytes.text(#"{ "other_photos_v2": { "uri": 5 } }"#)
        files["\(root)/your_videos.json"] = FixtureBytes.text(#"{ "videos_v2": [ 42, "x", { "uri": 7 }, { "creation_timestamp": "soon" } ] }"#)
        let parsed = try FacebookExport.read(tree(files))
        XCTAssertEqual(parsed.ownerName, "Zoë Müller")
        let warnings = parsed.warnings.joined(separator: "\n")
        XCTAssertTrue(warnings.contains("\(root)/album/0.json: not valid JSON"), warnings)
        XCTAssertTrue(warnings.contains("\(root)/album/1.json: expected an album object, found an array"), warnings)
        XCTAssertTrue(warnings.contains("\(root)/your_uncategorized_photos.json: expected an object with a \"other_photos_v2\" list"), warnings)
        XCTAssertTrue(warnings.contains("\(root)/your_videos.json: 4 entr(ies) skipped: not a media object with a uri string"), warnings)
        XCTAssertEqual(parsed.warnings.count, 4, warnings)
        // The posts file still gave its photos; unreadable listings leave their files as plain items.
        let seine = try item(parsed, FacebookFixtures.path(.facebookActivity2024, "seine.jpg"))
        XCTAssertEqual(seine.metadata.placeName, "Pont Neuf")
        let mobile = try item(parsed, FacebookFixtures.path(.facebookActivity2024, "mobile1.jpg"))
        XCTAssertEqual(mobile.appearances.map(\.kind), [.post])
        XCTAssertNil(mobile.metadata.uploadIP)
        assertEveryMediaFileListedOnce(files, parsed)
    }
}

final class FacebookOlderShapesTests: XCTestCase {
    /// Photo data at the root of the media object (addshore changelog 0.6) and `iso_speed`-era flat keys.
    func testExifKeysAtTheRootOfTheMediaObject() throws {
        let files: [String: Data] = [
            "photos_and_videos/Timeline_x/a.jpg": FixtureBytes.jpeg(),
            "photos_and_videos/album/0.json": FixtureBytes.text(#"""
            { "name": "Timeline Photos", "photos": [ { "uri": "photos_and_videos/Timeline_x/a.jpg", "creation_timestamp": 1400000000,
              "upload_ip": "192.0.2.1", "taken_timestamp": 1390000000, "camera_make": "NIKON CORPORATION", "camera_model": "NIKON D40X" } ] }
            """#),
        ]
        let parsed = try ExportFormatRegistry.read(tree(files))
        XCTAssertEqual(parsed.platform, .facebook)
        let photo = try item(parsed, "photos_and_videos/Timeline_x/a.jpg")
        XCTAssertEqual(photo.metadata.uploadIP, "192.0.2.1")
        XCTAssertEqual(photo.metadata.takenTime, epoch(1390000000))
        XCTAssertEqual(photo.metadata.cameraMake, "NIKON CORPORATION")
        XCTAssertEqual(photo.metadata.cameraModel, "NIKON D40X")
        XCTAssertEqual(photo.appearances, [Appearance(kind: .album, album: "Timeline Photos", postTime: epoch(1400000000))])
    }
}
