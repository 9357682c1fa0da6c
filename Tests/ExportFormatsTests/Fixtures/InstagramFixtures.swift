import Foundation

/// Synthetic Instagram data downloads (JSON), one per era of archive-formats.md §2.1.
///
/// 2022 and 2025 share content: a single-media post `trail.webp` (caption "Café …" escaped, exif with
/// coordinates, device id, date_time_original, lens make/model), a carousel post (post-level caption)
/// with an extension-less `carousel1` and a missing `carousel2.jpg`, a story at (0, 0), a profile photo,
/// and an unreferenced file in `media/other/`. 2025 adds `personal_information.json` (owner "Jürgen Krämer",
/// username "jurgen.k"). 2019 is the old `media.json` + `profile.json` layout.
public enum InstagramFixtures {
    public enum Era: String, CaseIterable, Sendable { case mediaJSON2019, content2022, activity2025 }

    public static func jsonRoot(_ era: Era) -> String {
        era == .activity2025 ? "your_instagram_activity/media" : "content"
    }

    public static func files(_ era: Era) -> [String: Data] {
        if era == .mediaJSON2019 { return legacyFiles() }
        let root = jsonRoot(era)
        var files: [String: Data] = [
            "media/posts/202201/1111_2222_3333_n_4444.webp": FixtureBytes.webp("trail"),
            "media/posts/201806/aaa_17949994489068497": FixtureBytes.jpeg("carousel1"),
            "media/stories/202203/story1.mp4": FixtureBytes.mp4("story"),
            "media/other/1168_3389_3002_n_17845874774284126.jpg": FixtureBytes.jpeg("profile"),
            "media/other/unlisted.jpg": FixtureBytes.jpeg("unlisted"),
        ]
        files["\(root)/posts_1.json"] = FixtureBytes.text(#"""
        [
          { "media": [ { "uri": "media/posts/202201/1111_2222_3333_n_4444.webp",
              "creation_timestamp": 1641036000,
              "title": "Caf\u00c3\u00a9 on the trail \u00f0\u009f\u0098\u0082",
              "media_metadata": { "photo_metadata": { "exif_data": [
                { "latitude": 46.55, "longitude": 7.98, "device_id": "android-0123456789abcdef",
                  "date_time_original": "2022:01:01 11:22:33", "source_type": "library",
                  "lens_make": "Apple", "lens_model": "iPhone 8 back camera 3.99mm f/1.8", "software": "Camera v1" } ] } },
              "cross_post_source": { "source_app": "FB" } } ] },
          { "media": [
              { "uri": "media/posts/201806/aaa_17949994489068497", "creation_timestamp": 1530370210, "title": "" },
              { "uri": "media/posts/201806/bbb_17883999907227667.jpg", "creation_timestamp": 1530370223, "title": "" } ],
            "title": "Which one looks best, 1 or 2?",
            "creation_timestamp": 1530370226 }
        ]
        """#)
        files["\(root)/stories.json"] = FixtureBytes.text(#"""
        { "ig_stories": [ { "uri": "media/stories/202203/story1.mp4", "creation_timestamp": 1646000000, "title": "",
            "media_metadata": { "video_metadata": { "exif_data": [ { "latitude": 0, "longitude": 0, "device_id": "26FB9E66-0000-4000-8000-ABCDEF012345" } ] } } } ] }
        """#)
        files["\(root)/profile_photos.json"] = FixtureBytes.text(#"""
        { "ig_profile_picture": [ { "uri": "media/other/1168_3389_3002_n_17845874774284126.jpg",
            "creation_timestamp": 1596126357, "title": "", "is_profile_picture": true } ] }
        """#)
        if era == .activity2025 {
            files["personal_information/personal_information/personal_information.json"] = FixtureBytes.text(#"""
            { "profile_user": [ { "media_map_data": { "Profile Photo": { "uri": "media/other/1168_3389_3002_n_17845874774284126.jpg",
                  "creation_timestamp": 1596126357, "title": "" } },
                "string_map_data": { "Username": { "href": "", "value": "jurgen.k", "timestamp": 0 },
                                     "Name": { "href": "", "value": "J\u00c3\u00bcrgen Kr\u00c3\u00a4mer", "timestamp": 0 } } } ] }
            """#)
        }
        return files
    }

    /// 2018-2020: `media.json` with `photos`/`videos`/`direct` lists and `profile.json`.
    static func legacyFiles() -> [String: Data] {
        [
            "photos/201812/3e02b2be0d7abbdb7c2bae1fee544665.jpg": FixtureBytes.jpeg("market"),
            "videos/201811/0a1b2c.mp4": FixtureBytes.mp4("video"),
            "direct/201810/ffee.jpg": FixtureBytes.jpeg("direct"),
            "profile/201801/me.jpg": FixtureBytes.jpeg("me"),
            "media.json": FixtureBytes.text(#"""
            { "photos": [ { "caption": "Sunday market", "taken_at": "2018-12-31T08:05:13",
                            "location": "West End, Vancouver", "path": "photos/201812/3e02b2be0d7abbdb7c2bae1fee544665.jpg" },
                          { "caption": "", "taken_at": "2018-12-30T10:00:00.123456", "path": "photos/201812/missing.jpg" } ],
              "videos": [ { "caption": "", "taken_at": "2018-11-02T19:01:44", "path": "videos/201811/0a1b2c.mp4" } ],
              "direct": [ { "taken_at": "2018-10-01T10:00:00", "path": "direct/201810/ffee.jpg" } ],
              "profile": [ { "taken_at": "2018-01-05T09:00:00", "path": "profile/201801/me.jpg" } ] }
            """#),
            "profile.json": FixtureBytes.text(#"{ "username": "jurgen.k", "name": "J\u00c3\u00bcrgen Kr\u00c3\u00a4mer", "email": "j@example.org" }"#),
        ]
    }
}
