import Foundation

/// Synthetic X/Twitter archives (archive-formats.md §4) in two eras:
///
/// * current (2022+): `data/tweets.js` (`window.YTD.tweets.part0`, items wrapped in `{"tweet": …}`),
///   `data/tweets_media/`, links on x.com; a photo tweet, a geotagged two-photo tweet with one photo
///   missing, a video tweet, a text-only tweet; `account.js`, `profile.js`, `profile_media/` (avatar and
///   header), a DM image
/// * older (2019-2021): `data/tweet.js` (`window.YTD.tweet.part0`, flat tweet objects, numbers as
///   numbers), `data/tweet_media/`, plus a `tweets-part1.js`-style second file, links on twitter.com
public enum TwitterFixtures {
    public enum Era: String, CaseIterable, Sendable { case current2022, older2020 }

    public static func mediaFolder(_ era: Era) -> String { era == .current2022 ? "data/tweets_media" : "data/tweet_media" }

    public static func files(_ era: Era) -> [String: Data] {
        let media = mediaFolder(era)
        var files: [String: Data] = [
            "Your archive.html": FixtureBytes.text("<html></html>"),
            "\(media)/1580000000000000001-FeXaMpLe123.jpg": FixtureBytes.jpeg("fog"),
            "\(media)/1580000000000000002-GeoOne.jpg": FixtureBytes.jpeg("geo1"),
            "\(media)/1580000000000000003-kR8vIdEo.mp4": FixtureBytes.mp4("video"),
            "data/direct_messages_media/1590000000000000000-dmPhoto.jpg": FixtureBytes.jpeg("dm"),
            "data/profile_media/12345-avatarABC.jpg": FixtureBytes.jpeg("avatar"),
            "data/profile_media/12345-1500000000.jpg": FixtureBytes.jpeg("header"),
        ]
        let host = era == .current2022 ? "x.com" : "twitter.com"
        let tweets = [
            #"""
            { "id_str" : "1580000000000000001", "id" : "1580000000000000001",
              "created_at" : "Wed Oct 12 09:15:00 +0000 2022",
              "full_text" : "Fog over the bay https://t.co/AbCdEf",
              "favorite_count" : "3", "retweet_count" : "0", "lang" : "en",
              "entities" : { "media" : [ { "id_str" : "1580000000000000009", "type" : "photo",
                  "media_url_https" : "https://pbs.twimg.com/media/FeXaMpLe123.jpg", "url" : "https://t.co/AbCdEf",
                  "expanded_url" : "https://\#(host)/zoe/status/1580000000000000001/photo/1",
                  "indices" : [ "17", "40" ] } ] },
              "extended_entities" : { "media" : [ { "id_str" : "1580000000000000009", "type" : "photo",
                  "media_url_https" : "https://pbs.twimg.com/media/FeXaMpLe123.jpg", "url" : "https://t.co/AbCdEf",
                  "expanded_url" : "https://\#(host)/zoe/status/1580000000000000001/photo/1" } ] } }
            """#,
            #"""
            { "id_str" : "1580000000000000002", "created_at" : "Thu Oct 13 18:00:05 +0000 2022",
              "full_text" : "Two views from the pier",
              "coordinates" : { "type" : "Point", "coordinates" : [ "-122.4194", "37.7749" ] },
              "geo" : { "type" : "Point", "coordinates" : [ "37.7749", "-122.4194" ] },
              "place" : { "full_name" : "San Francisco, CA", "name" : "San Francisco" },
              "extended_entities" : { "media" : [
                { "type" : "photo", "media_url_https" : "https://pbs.twimg.com/media/GeoOne.jpg",
                  "expanded_url" : "https://\#(host)/zoe/status/1580000000000000002/photo/1" },
                { "type" : "photo", "media_url_https" : "https://pbs.twimg.com/media/GeoTwo.jpg",
                  "expanded_url" : "https://\#(host)/zoe/status/1580000000000000002/photo/2" } ] } }
            """#,
            #"""
            { "id_str" : "1580000000000000004", "created_at" : "Sat Oct 15 07:00:00 +0000 2022", "full_text" : "Just text" }
            """#,
        ]
        let videoTweet = #"""
            { "id_str" : "1580000000000000003", "created_at" : "Fri Oct 14 12:30:00 -0700 2022",
              "full_text" : "Waves",
              "extended_entities" : { "media" : [ { "type" : "video",
                  "media_url_https" : "https://pbs.twimg.com/ext_tw_video_thumb/1/pu/img/thumbXYZ.jpg",
                  "expanded_url" : "https://\#(host)/zoe/status/1580000000000000003/video/1",
                  "video_info" : { "variants" : [ { "bitrate" : "2176000", "url" : "https://video.twimg.com/ext_tw_video/1/pu/vid/kR8vIdEo.mp4?tag=10" } ] } } ] } }
            """#
        switch era {
        case .current2022:
            let items = (tweets + [videoTweet]).map { #"{ "tweet" : \#($0) }"# }.joined(separator: ",\n")
            files["data/tweets.js"] = FixtureBytes.text("window.YTD.tweets.part0 = [\n\(items)\n]")
        case .older2020:
            files["data/tweet.js"] = FixtureBytes.text("window.YTD.tweet.part0 = [\n\(tweets.joined(separator: ",\n"))\n]")
            files["data/tweets-part1.js"] = FixtureBytes.text("window.YTD.tweets.part1 = [ \(videoTweet) ]")
        }
        files["data/account.js"] = FixtureBytes.text(#"""
        window.YTD.account.part0 = [ { "account" : { "email" : "zoe@example.org", "createdVia" : "web",
          "username" : "zoe_m", "accountId" : "12345", "createdAt" : "2006-11-15T13:18:50.000Z",
          "accountDisplayName" : "Zoë M." } } ]
        """#)
        files["data/profile.js"] = FixtureBytes.text(#"""
        window.YTD.profile.part0 = [ { "profile" : { "description" : { "bio" : "", "website" : "", "location" : "Berlin" },
          "avatarMediaUrl" : "https://pbs.twimg.com/profile_images/1/avatarABC.jpg",
          "headerMediaUrl" : "https://pbs.twimg.com/profile_banners/12345/1500000000" } } ]
        """#)
        return files
    }
}
