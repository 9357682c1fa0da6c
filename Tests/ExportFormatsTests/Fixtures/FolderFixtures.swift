import Foundation

/// A plain folder of photos and videos, with non-media files (notes, macOS resource forks) beside them.
public enum FolderFixtures {
    public static func files() -> [String: Data] {
        [
            "top.jpg": FixtureBytes.jpeg("top"),
            "Holidays 2023/beach.JPG": FixtureBytes.jpeg("beach"),
            "Holidays 2023/clip.MOV": FixtureBytes.mov("clip"),
            "Holidays 2023/notes.txt": FixtureBytes.text("not media"),
            "Family/Kids/party.heic": FixtureBytes.heic("party"),
            "Family/Kids/party.webp": FixtureBytes.webp("party"),
            "Family/.DS_Store": FixtureBytes.text("x"),
            "Holidays 2023/._beach.JPG": FixtureBytes.text("resource fork"),
            "__MACOSX/Holidays 2023/._clip.MOV": FixtureBytes.text("resource fork"),
        ]
    }
}
