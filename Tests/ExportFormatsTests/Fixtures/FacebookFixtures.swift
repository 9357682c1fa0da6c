import Foundation

/// Synthetic Facebook "Download Your Information" exports (JSON), one per layout era of
/// archive-formats.md §1.1, with the same content in each:
///
/// * album "Téléchargements mobiles" (name mojibake-escaped): photo `mobile1.jpg` with upload IP,
///   taken time, camera and coordinates; photo `gone.jpg` listed but absent; cover photo a URL
/// * album "Profile pictures": `me.jpg`
/// * a post with text, a check-in at Pont Neuf, a tag "Radosław Nowak" (escaped) and photo `seine.jpg`;
///   a second post (timestamp in milliseconds) sharing `mobile1.jpg`; a post whose media is a URL
/// * uncategorized photo `misc.jpg` at (0, 0); video `clip.mp4`
/// * owner "Zoë Müller" (escaped); an unreferenced sticker; a photo in a messenger thread "Renée"
///
/// Era differences: ≤ 2020 keeps exif keys flat in `photo_metadata` and `profile.name` as a string;
/// 2023 has one uri with a wrong first folder and one in a folder that does not exist (basename search);
/// 2024 wraps the export in a top folder and has an album folder with non-ASCII name escaped in the uri.
public enum FacebookFixtures {
    public enum Era: String, CaseIterable, Sendable {
        case photosAndVideos2019, posts2021, activityAcross2023, facebookActivity2024
    }

    /// Folder that holds `album/`, the posts files and `media/` (relative to the tree root).
    public static func postsRoot(_ era: Era) -> String {
        switch era {
        case .photosAndVideos2019: return "photos_and_videos"
        case .posts2021: return "posts"
        case .activityAcross2023: return "your_activity_across_facebook/posts"
        case .facebookActivity2024: return "facebook-zoe/your_facebook_activity/posts"
        }
    }

    /// Tree path of each named photo.
    public static func path(_ era: Era, _ name: String) -> String {
        let root = postsRoot(era)
        let media = era == .photosAndVideos2019 ? root : root + "/media"
        switch name {
        case "mobile1.jpg": return era == .facebookActivity2024
            ? "\(media)/Fotky_z_časové_osy_1015/mobile1.jpg" : "\(media)/Mobileuploads_1015/mobile1.jpg"
        case "gone.jpg": return "\(media)/Mobileuploads_1015/gone.jpg"
        case "me.jpg": return "\(media)/ProfilePictures_77/me.jpg"
        case "seine.jpg": return "\(media)/your_posts/seine.jpg"
        case "misc.jpg": return "\(media)/uncategorized/misc.jpg"
        case "clip.mp4": return "\(media)/videos/clip.mp4"
        case "sticker.png": return "\(media)/stickers_used/sticker.png"
        case "messenger.jpg":
            return (era == .facebookActivity2024 ? "facebook-zoe/" : "") + "messages/inbox/anna_1/photos/messenger.jpg"
        default: fatalError("no photo \(name) in the Facebook fixture")
        }
    }

    /// The uri written in the JSON for a photo (relative to the export root, i.e. without a wrapping folder).
    static func uri(_ era: Era, _ name: String) -> String {
        var p = path(era, name)
        if p.hasPrefix("facebook-zoe/") { p.removeFirst("facebook-zoe/".count) }
        switch (era, name) {
        case (.facebookActivity2024, "mobile1.jpg"):
            return p.replacingOccurrences(of: "časové", with: #"\u00c4\u008dasov\u00c3\u00a9"#)
        case (.activityAcross2023, "seine.jpg"): return "your_activity_across_facebook/" + p  // doubled prefix
        case (.activityAcross2023, "misc.jpg"): return "your_activity_across_facebook/posts/media/elsewhere/misc.jpg"
        default: return p
        }
    }

    static func exif(_ era: Era, _ fields: String) -> String {
        era == .photosAndVideos2019 ? #"{ "photo_metadata": { \#(fields) } }"#
            : #"{ "photo_metadata": { "exif_data": [ { \#(fields) } ] } }"#
    }

    public static func files(_ era: Era) -> [String: Data] {
        let root = postsRoot(era)
        let top = era == .facebookActivity2024 ? "facebook-zoe/" : ""
        var files: [String: Data] = [:]
        for name in ["mobile1.jpg", "me.jpg", "seine.jpg", "misc.jpg", "messenger.jpg"] {
            files[path(era, name)] = FixtureBytes.jpeg(name)
        }
        files[path(era, "clip.mp4")] = FixtureBytes.mp4("clip")
        files[path(era, "sticker.png")] = FixtureBytes.png("sticker")

        files["\(root)/album/0.json"] = FixtureBytes.text(#"""
        {
          "name": "T\u00c3\u00a9l\u00c3\u00a9chargements mobiles",
          "photos": [
            { "uri": "\#(uri(era, "mobile1.jpg"))",
              "creation_timestamp": 1437454657,
              "title": "T\u00c3\u00a9l\u00c3\u00a9chargements mobiles",
              "description": "Sunset at the lake \u00f0\u009f\u008c\u0085",
              "backup_uri": "https://www.facebook.com/photo.php?fbid=1016260000000002",
              "media_metadata": \#(exif(era, #""upload_ip": "203.0.113.7", "taken_timestamp": 1437148158, "camera_make": "Google", "camera_model": "Pixel 7", "latitude": 47.3769, "longitude": 8.5417, "iso": 100"#)) },
            { "uri": "\#(uri(era, "gone.jpg"))", "creation_timestamp": 1437454700, "title": "" }
          ],
          "cover_photo": { "uri": "https://facebook.com/", "creation_timestamp": 1437454658, "title": "Mobile uploads" },
          "last_modified_timestamp": 1523468293,
          "description": ""
        }
        """#)
        files["\(root)/album/1.json"] = FixtureBytes.text(#"""
        { "name": "Profile pictures",
          "photos": [ { "uri": "\#(uri(era, "me.jpg"))", "creation_timestamp": 1500000000, "title": "Profile pictures",
                        "media_metadata": \#(exif(era, #""upload_ip": "-", "taken_timestamp": 0"#)) } ] }
        """#)

        let postsName = era == .activityAcross2023 || era == .facebookActivity2024
            ? "your_posts__check_ins__photos_and_videos_1.json" : "your_posts_1.json"
        let postsFolder = era == .photosAndVideos2019 ? "posts" : root
        files["\(postsFolder)/\(postsName)"] = FixtureBytes.text(#"""
        [
          { "timestamp": 1600000000,
            "title": "Zo\u00c3\u00ab M\u00c3\u00bcller was at Pont Neuf.",
            "data": [ { "post": "Walking along the Seine" }, { "update_timestamp": 1600000050 } ],
            "tags": [ { "name": "Rados\u00c5\u0082aw Nowak" } ],
            "attachments": [
              { "data": [ { "media": { "uri": "\#(uri(era, "seine.jpg"))", "creation_timestamp": 1600000005, "title": "",
                  "media_metadata": \#(exif(era, #""upload_ip": "198.51.100.23", "taken_timestamp": 1599990000, "original_width": 2048"#)) } } ] },
              { "data": [ { "place": { "name": "Pont Neuf", "address": "75001 Paris", "url": "https://www.facebook.com/pages/x/1",
                  "coordinate": { "latitude": 48.857, "longitude": 2.341 } } } ] }
            ] },
          { "timestamp": 1600100000000,
            "data": [ { "post": "Throwback" } ],
            "attachments": [ { "data": [ { "media": { "uri": "\#(uri(era, "mobile1.jpg"))", "creation_timestamp": 1437454657 } } ] } ] },
          { "timestamp": 1600200000,
            "attachments": [ { "data": [ { "media": { "uri": "https://interncache-ash.fbcdn.net/v/123.jpg" } } ] } ] }
        ]
        """#)
        files["\(root)/your_uncategorized_photos.json"] = FixtureBytes.text(#"""
        { "other_photos_v2": [ { "uri": "\#(uri(era, "misc.jpg"))", "creation_timestamp": 1610000000, "title": "",
            "media_metadata": \#(exif(era, #""upload_ip": "192.0.2.44", "latitude": 0, "longitude": 0"#)) } ] }
        """#)
        files["\(root)/your_videos.json"] = FixtureBytes.text(#"""
        { "videos_v2": [ { "uri": "\#(uri(era, "clip.mp4"))", "creation_timestamp": 1620000000, "title": "",
            "description": "Waves",
            "thumbnail": { "uri": "https://interncache-ash.fbcdn.net/v/thumb.jpg" },
            "media_metadata": { "video_metadata": { "exif_data": [ { "upload_ip": "2001:db8::1", "upload_timestamp": 0 } ] } } } ] }
        """#)

        let profilePath: String
        switch era {
        case .photosAndVideos2019, .posts2021: profilePath = "profile_information/profile_information.json"
        case .activityAcross2023: profilePath = "personal_information/profile_information/profile_information.json"
        case .facebookActivity2024: profilePath = top + "personal_information/profile_information/profile_information.json"
        }
        files[profilePath] = FixtureBytes.text(era == .photosAndVideos2019
            ? #"{ "profile": { "name": "Zo\u00c3\u00ab M\u00c3\u00bcller", "emails": { "emails": [] } } }"#
            : #"{ "profile_v2": { "name": { "full_name": "Zo\u00c3\u00ab M\u00c3\u00bcller", "first_name": "Zo\u00c3\u00ab", "last_name": "M\u00c3\u00bcller" } } }"#)
        files[top + "messages/inbox/anna_1/message_1.json"] = FixtureBytes.text(
            #"{ "title": "Ren\u00c3\u00a9e", "participants": [], "messages": [ { "timestamp_ms": 1600000000000, "photos": [ { "uri": "messages/inbox/anna_1/photos/messenger.jpg" } ] } ] }"#)
        return files
    }
}
