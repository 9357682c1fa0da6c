import Foundation
import ExposureModel

/// Facebook "Download Your Information", JSON format (archive-formats.md §1), all four layout eras:
///
/// | Era     | Photo JSON lives under                 | Example                                              |
/// |---------|----------------------------------------|------------------------------------------------------|
/// | ≤ 2020  | `photos_and_videos/`                   | `photos_and_videos/album/0.json`, `your_videos.json` |
/// | 2021-22 | `posts/`                               | `posts/album/0.json`, `posts/your_posts_1.json`      |
/// | 2023    | `your_activity_across_facebook/posts/` | `…/your_posts__check_ins__photos_and_videos_1.json`  |
/// | 2024-25 | `your_facebook_activity/posts/`        | same names; `personal_information/…` beside it       |
///
/// Files are classified by name wherever they sit, so the era only matters for recognition.
/// Every string (keys and values) gets the `\u00XX` mojibake repair before use (§1.7).
public enum FacebookExport: ExportFormat {
    public static let platform = Platform.facebook

    /// Localized names of the system album holding profile pictures (compared lowercased).
    static let profilePictureAlbumNames: Set<String> = [
        "profile pictures", "profile photos", "profilbilder", "photos de profil", "photos du profil",
        "fotos del perfil", "fotos de perfil", "foto del profilo", "profielfoto's", "fotos do perfil",
        "zdjęcia profilowe", "profilkép", "profilképek", "profilové fotky", "profiilikuvat", "profilbilleder",
    ]

    enum FileRole: Equatable {
        case album, posts, uncategorized, videos, stories, profileUpdates, profileInformation, otherPostMedia, messages
    }

    static func role(of path: String) -> FileRole? {
        let segments = PathText.segments(path.lowercased())
        guard let name = segments.last, name.hasSuffix(".json") else { return nil }
        let parent = segments.count > 1 ? segments[segments.count - 2] : ""
        if parent == "album", isNumberedJSON(name) { return .album }
        if MetaMessages.isThreadFile(path) { return .messages }
        if name.hasPrefix("your_posts") || name.hasPrefix("posts_on_other_pages") { return .posts }
        switch name {
        case "your_uncategorized_photos.json": return .uncategorized
        case "your_videos.json": return .videos
        case "archived_stories.json": return .stories
        case "profile_update_history.json": return .profileUpdates
        case "profile_information.json": return .profileInformation
        default: break
        }
        if segments.dropLast().contains("posts") || segments.dropLast().contains("photos_and_videos") {
            return .otherPostMedia
        }
        return nil
    }

    static func isNumberedJSON(_ name: String) -> Bool {
        let stem = name.dropLast(".json".count)
        return !stem.isEmpty && stem.allSatisfy(\.isNumber)
    }

    public static func recognizes(_ tree: ExportFileTree) -> Bool {
        for path in tree.paths {
            let segments = PathText.segments(path.lowercased())
            if segments.contains("your_facebook_activity") || segments.contains("your_activity_across_facebook") {
                return true
            }
            guard let name = segments.last, name.hasSuffix(".json") else { continue }
            let parent = segments.count > 1 ? segments[segments.count - 2] : ""
            let grandparent = segments.count > 2 ? segments[segments.count - 3] : ""
            if parent == "album", isNumberedJSON(name), grandparent == "posts" || grandparent == "photos_and_videos" {
                return true
            }
            if name.hasPrefix("your_posts") || name == "your_uncategorized_photos.json" { return true }
            if parent == "profile_information", name == "profile_information.json" { return true }
        }
        return false
    }

    public static func read(_ tree: ExportFileTree) throws -> ParsedExport {
        let paths = tree.paths
        var reader = FacebookReader(index: PathIndex(paths), loader: JSONLoader(tree: tree, repairMojibake: true))
        for path in paths.sorted() {
            guard let role = role(of: path) else { continue }
            reader.readFile(path, role: role)
        }
        reader.collector.addUnreferencedMedia(of: paths)
        return ParsedExport(platform: platform, ownerName: reader.ownerName, media: reader.collector.media,
                            warnings: reader.collector.warnings + reader.references.warnings())
    }
}
