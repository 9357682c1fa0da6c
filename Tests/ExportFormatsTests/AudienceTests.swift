import Foundation
import XCTest
import ExposureModel
@testable import ExportFormats

/// Who could see each item, read from the exports' own fields, per platform: recognised where the
/// export says it, the right level and evidence, and unknown (never guessed) where it does not.
final class AudienceTests: XCTestCase {
    // MARK: X

    func testTweetsOfAProtectedAccountAreSharedAndAvatarsPublic() throws {
        var files = TwitterFixtures.files(.current2022)
        files["data/protected-history.js"] = FixtureBytes.text(#"""
        window.YTD.protected_history.part0 = [
          { "protectedHistory": { "protectedAt": "2019-01-01T00:00:00.000Z", "action": "Protect" } },
          { "protectedHistory": { "protectedAt": "2018-01-01T00:00:00.000Z", "action": "Unprotect" } } ]
        """#)
        let parsed = try TwitterExport.read(tree(files))
        let fog = try item(parsed, "data/tweets_media/1580000000000000001-FeXaMpLe123.jpg")
        XCTAssertEqual(fog.appearances.first?.audience,
                       Audience(.shared, evidence: "data/protected-history.js: last action \"Protect\" at 2019-01-01T00:00:00.000Z"))
        let avatars = parsed.media.filter(\.isProfilePicture)
        XCTAssertFalse(avatars.isEmpty)
        XCTAssertEqual(Set(avatars.compactMap { $0.appearances.first?.audience?.level }), [.public])
    }

    func testTweetsAreUnprotectedAgainAfterTheLastUnprotect() throws {
        var files = TwitterFixtures.files(.current2022)
        files["data/protected-history.js"] = FixtureBytes.text(#"""
        window.YTD.protected_history.part0 = [
          { "protectedHistory": { "protectedAt": "2019-01-01T00:00:00.000Z", "action": "Protect" } },
          { "protectedHistory": { "protectedAt": "2021-06-01T00:00:00.000Z", "action": "Unprotect" } } ]
        """#)
        let parsed = try TwitterExport.read(tree(files))
        XCTAssertEqual(try item(parsed, "data/tweets_media/1580000000000000001-FeXaMpLe123.jpg").appearances.first?.audience?.level, .public)
    }

    /// A protection history the reader cannot understand (no action) leaves tweets unknown.
    func testAnUnreadableProtectionHistoryLeavesTweetsUnknown() throws {
        var files = TwitterFixtures.files(.current2022)
        files["data/protected-history.js"] = FixtureBytes.text(#"window.YTD.protected_history.part0 = [ { "protectedHistory": {} } ]"#)
        let parsed = try TwitterExport.read(tree(files))
        XCTAssertNil(try item(parsed, "data/tweets_media/1580000000000000001-FeXaMpLe123.jpg").appearances.first?.audience)
    }

    // MARK: Instagram

    func testInstagramPostsFollowThePrivateAccountSetting() throws {
        for (flag, level) in [("True", Audience.Level.shared), ("False", .public)] {
            var files = InstagramFixtures.files(.activity2025)
            files["personal_information/personal_information/personal_information.json"] = FixtureBytes.text(#"""
            { "profile_user": [ { "string_map_data": { "Username": { "href": "", "value": "jurgen.k", "timestamp": 0 },
                                                       "Private Account": { "href": "", "value": "\#(flag)", "timestamp": 0 } } } ] }
            """#)
            let parsed = try InstagramExport.read(tree(files))
            let posts = parsed.media.flatMap(\.appearances).filter { $0.kind == .post && $0.album == nil }
            XCTAssertFalse(posts.isEmpty)
            for post in posts {
                XCTAssertEqual(post.audience, Audience(level, evidence:
                    "personal_information/personal_information/personal_information.json: Private Account \"\(flag)\""), flag)
            }
            let stories = parsed.media.flatMap(\.appearances).filter { $0.kind == .story }
            XCTAssertEqual(Set(stories.map { $0.audience?.level }), [level], flag)
        }
    }

    /// Without the setting, posts stay unknown; archived posts are private whatever the setting.
    func testInstagramWithoutTheSettingLeavesPostsUnknown() throws {
        let parsed = try InstagramExport.read(tree(InstagramFixtures.files(.content2022)))
        let posts = parsed.media.flatMap(\.appearances).filter { $0.kind == .post && $0.album == nil }
        XCTAssertFalse(posts.isEmpty)
        XCTAssertTrue(posts.allSatisfy { $0.audience == nil })
        XCTAssertEqual(InstagramExport.audience(of: Appearance(kind: .post, album: "Archived posts"), account: (false, "x"))?.level, .private)
    }

    // MARK: Facebook

    func testFacebookPostAndAlbumAudienceFields() throws {
        let files = [
            "your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.json": FixtureBytes.text(#"""
            [ { "timestamp": 1600000000, "audience": "Friends",
                "attachments": [ { "data": [ { "media": { "uri": "your_facebook_activity/posts/media/a/friends.jpg" } } ] } ] },
              { "timestamp": 1600000001, "privacy": { "value": "Public" },
                "attachments": [ { "data": [ { "media": { "uri": "your_facebook_activity/posts/media/a/public.jpg" } } ] } ] },
              { "timestamp": 1600000002,
                "attachments": [ { "data": [ { "media": { "uri": "your_facebook_activity/posts/media/a/unsaid.jpg" } } ] } ] } ]
            """#),
            "your_facebook_activity/posts/album/0.json": FixtureBytes.text(#"""
            { "name": "Trip", "audience": "Only me",
              "photos": [ { "uri": "your_facebook_activity/posts/media/Trip_1/me.jpg", "creation_timestamp": 1500000000 } ] }
            """#),
            "your_facebook_activity/posts/media/a/friends.jpg": FixtureBytes.jpeg("f"),
            "your_facebook_activity/posts/media/a/public.jpg": FixtureBytes.jpeg("p"),
            "your_facebook_activity/posts/media/a/unsaid.jpg": FixtureBytes.jpeg("u"),
            "your_facebook_activity/posts/media/Trip_1/me.jpg": FixtureBytes.jpeg("m"),
        ]
        XCTAssertTrue(FacebookExport.recognizes(tree(files)))
        let parsed = try FacebookExport.read(tree(files))
        let posts = "your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.json"
        XCTAssertEqual(try item(parsed, "your_facebook_activity/posts/media/a/friends.jpg").appearances.first?.audience,
                       Audience(.shared, evidence: "\(posts): audience \"Friends\""))
        XCTAssertEqual(try item(parsed, "your_facebook_activity/posts/media/a/public.jpg").appearances.first?.audience,
                       Audience(.public, evidence: "\(posts): privacy \"Public\""))
        XCTAssertNil(try item(parsed, "your_facebook_activity/posts/media/a/unsaid.jpg").appearances.first?.audience)
        XCTAssertEqual(try item(parsed, "your_facebook_activity/posts/media/Trip_1/me.jpg").appearances.first?.audience?.level, .private)
    }

    func testMetaAudienceValues() {
        XCTAssertEqual(Audiences.metaLevel("Public"), .public)
        XCTAssertEqual(Audiences.metaLevel("Friends of friends"), .shared)
        XCTAssertEqual(Audiences.metaLevel("Custom"), .shared)
        XCTAssertEqual(Audiences.metaLevel("Only me"), .private)
        XCTAssertNil(Audiences.metaLevel("Galaxy"), "a value not understood stays unknown")
        XCTAssertNil(Audiences.metaLevel(""))
    }

    // MARK: Google Photos

    func testGoogleSharedAlbumAndSharedOrigin() throws {
        let parsed = try GoogleTakeoutExport.read(tree(GoogleTakeoutFixtures.classicFiles()))
        let inAlbum = parsed.media.first { $0.path.hasSuffix("Chair yoga/IMG_20200920_131207.jpg") }
        XCTAssertEqual(inAlbum?.appearances.first?.audience?.level, .shared)
        XCTAssertTrue(inAlbum?.appearances.first?.audience?.evidence.hasSuffix("metadata.json: album access \"protected\"") ?? false)
        let notShared = parsed.media.first { $0.path.hasSuffix("Vacances/IMG_8000.jpg") }
        XCTAssertNotNil(notShared)
        XCTAssertNil(notShared?.appearances.first?.audience, "an album without access is not known to be shared")

        let sidecar = GoogleSidecar(path: "p.jpg.json", json: try JSONValue.parse(Data(#"""
            { "title": "p.jpg", "photoTakenTime": { "timestamp": "1" }, "googlePhotosOrigin": { "fromSharedAlbum": {} } }
            """#.utf8)))
        XCTAssertEqual(sidecar.sharing, Audience(.shared, evidence: "p.jpg.json: googlePhotosOrigin.fromSharedAlbum"))
    }

    // MARK: Snapchat

    func testSnapchatMemoriesArePrivate() throws {
        for era in SnapchatFixtures.Era.allCases {
            let parsed = try SnapchatExport.read(tree(SnapchatFixtures.files(era)))
            let memories = parsed.media.flatMap(\.appearances).filter { $0.kind == .memory }
            XCTAssertFalse(memories.isEmpty, era.rawValue)
            XCTAssertEqual(Set(memories.map { $0.audience?.level }), [.private], era.rawValue)
        }
    }
}
