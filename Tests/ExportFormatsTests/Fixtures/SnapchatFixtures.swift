import Foundation

/// Synthetic Snapchat exports (archive-formats.md §5.1):
///
/// * links-only (≤ 2022): `json/memories_history.json` with three entries and no media files
/// * bundled (2025+): the same JSON plus `memories/` files (one named after a link's `mid`, one by date,
///   one overlay), `chat_media/`, `shared_story/`; the third entry has no file
/// * bundled without JSON (2023): `memories/` and `chat_media/` only
public enum SnapchatFixtures {
    public enum Era: String, CaseIterable, Sendable { case linksOnly2022, bundled2025, bundledWithoutJSON2023 }

    static let history = #"""
    { "Saved Media": [
        { "Date": "2019-07-14 18:22:05 UTC", "Media Type": "Image",
          "Location": "Latitude, Longitude: 52.37022, 4.89517",
          "Download Link": "https://app.snapchat.com/dmd/memories?uid=u1&sid=s1&mid=ABC-123&ts=1&sig=x",
          "Media Download Url": "" },
        { "Date": "2020-02-01 08:00:00 UTC", "Media Type": "Video",
          "Location": "Latitude, Longitude: 0.0, 0.0", "Download Link": "", "Media Download Url": "" },
        { "Date": "2021-05-05 12:00:00 UTC", "Media Type": "Image",
          "Location": "", "Download Link": "https://app.snapchat.com/dmd/memories?mid=DEF-456", "Media Download Url": "" }
    ] }
    """#

    public static func files(_ era: Era) -> [String: Data] {
        var files: [String: Data] = ["json/account.json": FixtureBytes.text(#"{ "Basic Information": {} }"#)]
        if era != .bundledWithoutJSON2023 { files["json/memories_history.json"] = FixtureBytes.text(history) }
        if era != .linksOnly2022 {
            files["memories/2019-07-14_ABC-123-main.jpg"] = FixtureBytes.jpeg("amsterdam")
            files["memories/2019-07-14_ABC-123-overlay.png"] = FixtureBytes.png("overlay")
            files["memories/2020-02-01_9f8e7d-main.mp4"] = FixtureBytes.mp4("clip")
            files["chat_media/2021-01-01_b~chat.jpg"] = FixtureBytes.jpeg("chat")
            files["shared_story/story.mp4"] = FixtureBytes.mp4("story")
        }
        return files
    }
}
