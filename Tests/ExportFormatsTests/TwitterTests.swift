import Foundation
import XCTest
import ExposureModel
@testable import ExportFormats

final class TwitterTests: XCTestCase {
    func testRecognizesBothEras() {
        for era in TwitterFixtures.Era.allCases {
            XCTAssertTrue(TwitterExport.recognizes(tree(TwitterFixtures.files(era))), era.rawValue)
        }
    }

    /// A `data/tweets.js` that is not a YTD assignment is not an X archive.
    func testDoesNotClaimAnOrdinaryScript() {
        XCTAssertFalse(TwitterExport.recognizes(tree(["site/data/tweets.js": FixtureBytes.text("console.log(1)")])))
    }

    func testExtractsBothEras() throws {
        for era in TwitterFixtures.Era.allCases {
            let files = TwitterFixtures.files(era)
            let parsed = try TwitterExport.read(tree(files))
            let media = TwitterFixtures.mediaFolder(era)
            let host = era == .current2022 ? "x.com" : "twitter.com"
            assertEveryMediaFileListedOnce(files, parsed)
            XCTAssertEqual(parsed.ownerName, "Zoë M.")
            XCTAssertEqual(parsed.ownerUsername, "zoe_m")
            XCTAssertEqual(parsed.media.count, 7, "\(era): \(parsed.media.map(\.path))")

            let fog = try item(parsed, "\(media)/1580000000000000001-FeXaMpLe123.jpg")
            XCTAssertEqual(fog.appearances, [Appearance(kind: .tweet, caption: "Fog over the bay https://t.co/AbCdEf",
                                                        postTime: epoch(1665566100), platformID: "1580000000000000001",
                                                        link: "https://\(host)/i/web/status/1580000000000000001",
                                                        audience: Audience(.public, evidence: "data/: no protected-history.js, so the account was never protected; tweets are public"))], era.rawValue)
            XCTAssertNil(fog.metadata.location)

            let geo = try item(parsed, "\(media)/1580000000000000002-GeoOne.jpg")
            assertLocation(geo.metadata.location, 37.7749, -122.4194)
            XCTAssertEqual(geo.metadata.placeName, "San Francisco, CA")
            XCTAssertEqual(geo.appearances.first?.postTime, epoch(1665684005))
            let missing = try item(parsed, "\(media)/1580000000000000002-GeoTwo.jpg")
            XCTAssertFalse(missing.isPresent)
            XCTAssertEqual(missing.appearances.first?.platformID, "1580000000000000002")
            XCTAssertEqual(parsed.warnings.count, 1, "\(parsed.warnings)")

            let video = try item(parsed, "\(media)/1580000000000000003-kR8vIdEo.mp4")
            XCTAssertEqual(video.appearances.first?.caption, "Waves")
            XCTAssertEqual(video.appearances.first?.postTime, epoch(1665775800), "-0700 offset applied")

            let avatar = try item(parsed, "data/profile_media/12345-avatarABC.jpg")
            XCTAssertTrue(avatar.isProfilePicture)
            XCTAssertEqual(avatar.appearances.map(\.kind), [.profilePicture])
            let header = try item(parsed, "data/profile_media/12345-1500000000.jpg")
            XCTAssertFalse(header.isProfilePicture)
            XCTAssertEqual(header.appearances.first?.album, "Header")

            let dm = try item(parsed, "data/direct_messages_media/1590000000000000000-dmPhoto.jpg")
            XCTAssertEqual(dm.appearances, [])
        }
    }

    func testPlaceBoundingBoxGivesItsCentre() {
        let tweet: [String: JSONValue] = ["place": .object([
            "full_name": .string("Berlin, Germany"),
            "bounding_box": .object(["type": .string("Polygon"), "coordinates": .array([.array([
                .array([.double(13.0), .double(52.3)]), .array([.double(13.8), .double(52.3)]),
                .array([.double(13.8), .double(52.7)]), .array([.double(13.0), .double(52.7)]),
            ])])]),
        ])]
        let (point, name) = TweetLinker.location(tweet)
        assertLocation(point, 52.5, 13.4)
        XCTAssertEqual(name, "Berlin, Germany")
        XCTAssertNil(TweetLinker.location([:]).0)
    }

    func testStripsTheAssignmentPrefix() throws {
        let payload = TwitterExport.jsonPayload(Data("window.YTD.tweets.part0 = [ {\"a\": \"x = y\"} ]".utf8))
        XCTAssertEqual(try JSONValue.parse(payload), .array([.object(["a": .string("x = y")])]))
    }

    func testCorruptFilesAreSkippedWithAWarningNamingThem() throws {
        var files = TwitterFixtures.files(.older2020)
        files["data/tweet.js"] = FixtureBytes.text("window.YTD.tweet.part0 = [ { \"id_str\" : \"15800")
        files["data/account.js"] = FixtureBytes.text("window.YTD.account.part0 = { \"account\" : 5 }")
        files["data/profile.js"] = FixtureBytes.text("window.YTD.profile.part0 = \"nope\"")
        let parsed = try TwitterExport.read(tree(files))
        let warnings = parsed.warnings.joined(separator: "\n")
        XCTAssertTrue(warnings.contains("data/tweet.js: not a valid window.YTD JSON assignment"), warnings)
        XCTAssertNil(parsed.ownerName)
        // tweets-part1.js still links the video; the unlinked photos stay items without appearances.
        XCTAssertEqual(try item(parsed, "data/tweet_media/1580000000000000003-kR8vIdEo.mp4").appearances.first?.caption, "Waves")
        XCTAssertEqual(try item(parsed, "data/tweet_media/1580000000000000001-FeXaMpLe123.jpg").appearances, [])
        assertEveryMediaFileListedOnce(files, parsed)
    }
}

final class TwitterDeletedTweetsTests: XCTestCase {
    func testDeletedTweetsAreLinkedToTheirMedia() throws {
        let files: [String: Data] = [
            "data/deleted-tweets.js": FixtureBytes.text(#"""
            window.YTD.deleted_tweets.part0 = [ { "tweet" : { "id_str" : "42", "created_at" : "Mon Jan 02 03:04:05 +0000 2023",
              "full_text" : "oops", "deleted_at" : "Mon Jan 02 04:00:00 +0000 2023",
              "extended_entities" : { "media" : [ { "type" : "photo", "media_url_https" : "https://pbs.twimg.com/media/Oops.jpg" } ] } } } ]
            """#),
            "data/deleted_tweets_media/42-Oops.jpg": FixtureBytes.jpeg("oops"),
        ]
        XCTAssertTrue(TwitterExport.recognizes(tree(files)))
        let parsed = try TwitterExport.read(tree(files))
        XCTAssertEqual(parsed.media.map(\.path), ["data/deleted_tweets_media/42-Oops.jpg"])
        XCTAssertEqual(parsed.media.first?.appearances, [Appearance(kind: .tweet, caption: "oops", postTime: epoch(1672628645),
                                                                    platformID: "42", link: "https://twitter.com/i/web/status/42",
                                                                    audience: Audience(.public, evidence: "data/: no protected-history.js, so the account was never protected; tweets are public"))])
    }
}
