import Foundation

/// A generated Snapchat "My Data" download of one truth, as Snapchat delivers a large one
/// (issue #16): `mydata~<id>.zip` holds `json/`, `html/`, `chat_media/`; `mydata~<id>-2.zip` holds
/// `memories/` only. The truth: four memories in the JSON, three of them bundled (all dated, two
/// located, two captioned: an `-overlay.png` beside the `-main` file), one left as a link; two chat
/// media files, one listed in chat_history.json.
public enum SnapchatPartsFixture {
    public static let id = "1733140000000"
    public static var mainPartName: String { "mydata~\(id).zip" }
    public static var memoriesPartName: String { "mydata~\(id)-2.zip" }

    public static let history = #"""
    { "Saved Media": [
        { "Date": "2019-07-14 18:22:05 UTC", "Media Type": "Image",
          "Location": "Latitude, Longitude: 52.37022, 4.89517", "Download Link": "", "Media Download Url": "" },
        { "Date": "2020-02-01 08:00:00 UTC", "Media Type": "Video",
          "Location": "Latitude, Longitude: 0.0, 0.0", "Download Link": "", "Media Download Url": "" },
        { "Date": "2021-05-05 12:00:00 UTC", "Media Type": "Image",
          "Location": "Latitude, Longitude: 48.85837, 2.294481", "Download Link": "", "Media Download Url": "" },
        { "Date": "2022-03-03 09:30:00 UTC", "Media Type": "Image",
          "Location": "", "Download Link": "https://app.snapchat.com/dmd/memories?mid=GONE-1", "Media Download Url": "" }
    ] }
    """#

    public static let chatHistory = #"""
    { "anna": [
        { "From": "anna", "Media Type": "MEDIA", "Created": "2021-01-01 10:00:00 UTC", "Content": "",
          "IsSender": false, "Media IDs": "b~ChatOne | b~NotInExport" },
        { "From": "zoe", "Media Type": "TEXT", "Created": "2021-01-01 10:01:00 UTC", "Content": "hi", "IsSender": true, "Media IDs": "" }
    ] }
    """#

    /// Part 1: JSON, HTML and chat media.
    public static func mainPart(jpeg: (String) -> Data, mp4: (String) -> Data) -> [String: Data] {
        [
            "json/account.json": Data(#"{ "Basic Information": { "Username": "zoe" } }"#.utf8),
            "json/memories_history.json": Data(history.utf8),
            "json/chat_history.json": Data(chatHistory.utf8),
            "html/index.html": Data("<html><body>Snapchat</body></html>".utf8),
            "chat_media/2021-01-01_b~ChatOne.jpg": jpeg("chat one"),
            "chat_media/2021-02-02_b~Unlisted.jpg": jpeg("chat two"),
        ]
    }

    /// Part 2: the bundled memories only (three memories, two overlays).
    public static func memoriesPart(jpeg: (String) -> Data, mp4: (String) -> Data, png: (String) -> Data) -> [String: Data] {
        [
            "memories/2019-07-14_5F3A0C1E-main.jpg": jpeg("amsterdam"),
            "memories/2019-07-14_5F3A0C1E-overlay.png": png("caption"),
            "memories/2020-02-01_9F8E7D6C-main.mp4": mp4("clip"),
            "memories/2021-05-05_11AA22BB-main.jpg": jpeg("paris"),
            "memories/2021-05-05_11AA22BB-overlay.png": png("drawing"),
        ]
    }
}
