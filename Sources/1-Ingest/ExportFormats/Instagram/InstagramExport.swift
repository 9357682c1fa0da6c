import Foundation
import ExposureModel

/// Instagram's data download, JSON format (archive-formats.md §2), three eras:
///
/// | Era       | Metadata                                                                   | Media                      |
/// |-----------|----------------------------------------------------------------------------|----------------------------|
/// | 2018-2020 | `media.json` (`photos`/`videos`/`stories`/`profile`/`direct`: `{path, caption, taken_at, location}`), `profile.json` | `photos/YYYYMM/…` |
/// | 2021-2023 | `content/posts_1.json`, `content/stories.json`, `content/profile_photos.json`, … (also under `your_instagram_activity/content/`) | `media/posts/YYYYMM/…` |
/// | 2024-2025 | `your_instagram_activity/media/posts_1.json`, `…/media/stories.json`, …; `personal_information/personal_information/personal_information.json` | `media/posts/…`, `media/other/…` |
///
/// Files are classified by name wherever they sit. Mojibake is repaired in keys and values (§1.7).
public enum InstagramExport: ExportFormat {
    public static let platform = Platform.instagram

    enum FileRole: Equatable {
        case posts(album: String?, kind: Appearance.Kind, key: String?)
        case stories, profilePhotos, personalInformation, legacyMedia, legacyProfile, otherContent, messages
    }

    static func role(of path: String) -> FileRole? {
        let segments = PathText.segments(path.lowercased())
        guard let name = segments.last, name.hasSuffix(".json") else { return nil }
        let parent = segments.count > 1 ? segments[segments.count - 2] : ""
        if isPostsFile(name) { return .posts(album: nil, kind: .post, key: nil) }
        if MetaMessages.isThreadFile(path) { return .messages }
        switch name {
        case "archived_posts.json": return .posts(album: "Archived posts", kind: .post, key: "ig_archived_post_media")
        case "reels.json": return .posts(album: "Reels", kind: .post, key: "ig_reels_media")
        case "igtv_videos.json": return .posts(album: "IGTV", kind: .post, key: "ig_igtv_media")
        case "recently_deleted_content.json":
            return .posts(album: "Recently deleted", kind: .other, key: "ig_recently_deleted_media")
        case "stories.json": return .stories
        case "profile_photos.json": return .profilePhotos
        case "personal_information.json": return .personalInformation
        case "media.json": return .legacyMedia
        case "profile.json" where parent != "content" && parent != "media": return .legacyProfile
        case "other_content.json": return .otherContent
        default: return nil
        }
    }

    /// `posts_1.json`, `posts_2.json`, … (not `archived_posts.json`).
    static func isPostsFile(_ name: String) -> Bool {
        guard name.hasPrefix("posts_"), name.hasSuffix(".json") else { return false }
        let number = name.dropFirst("posts_".count).dropLast(".json".count)
        return !number.isEmpty && number.allSatisfy(\.isNumber)
    }

    public static func recognizes(_ tree: ExportFileTree) -> Bool {
        var legacyCandidates: [String] = []
        for path in tree.paths {
            let segments = PathText.segments(path.lowercased())
            if segments.contains("your_instagram_activity") { return true }
            guard let name = segments.last, name.hasSuffix(".json") else { continue }
            let parent = segments.count > 1 ? segments[segments.count - 2] : ""
            if parent == "content" || parent == "media",
               isPostsFile(name) || name == "stories.json" || name == "profile_photos.json" { return true }
            if parent == "personal_information", name == "personal_information.json" { return true }
            if name == "media.json" { legacyCandidates.append(path) }
        }
        // 2018-2020: a media.json whose lists hold {path, taken_at} objects.
        for path in legacyCandidates {
            guard let data = try? tree.contents(of: path, maxBytes: 64 << 20),
                  let json = try? JSONValue.parse(data), let object = json.object else { continue }
            for key in ["photos", "videos", "stories", "profile", "direct"] {
                if let first = object[key]?.array?.first, first["path"] != nil { return true }
            }
        }
        return false
    }

    /// Archived and recently deleted posts are hidden from everyone but the holder; a direct
    /// message's media went to the chat. Posts, reels and stories follow the account's
    /// "Private Account" setting (followers only, else anyone); profile pictures are shown to
    /// anyone either way. Without the setting in the export, posts stay unknown.
    static func audience(of appearance: Appearance, account: (isPrivate: Bool, evidence: String)?) -> Audience? {
        switch (appearance.kind, appearance.album) {
        case (_, "Archived posts"), (_, "Recently deleted"):
            return Audience(.private, evidence: "\(appearance.album!): hidden from everyone but the account holder")
        case (.profilePicture, _):
            return Audience(.public, evidence: "Instagram shows profile pictures to anyone, private accounts included")
        case (.post, _), (.story, _):
            guard let account else { return nil }
            return Audience(account.isPrivate ? .shared : .public, evidence: account.evidence)
        default:
            return nil
        }
    }

    public static func read(_ tree: ExportFileTree) throws -> ParsedExport {
        let paths = tree.paths
        var reader = InstagramReader(index: PathIndex(paths), loader: JSONLoader(tree: tree, repairMojibake: true))
        for path in paths.sorted() {
            guard let role = role(of: path) else { continue }
            reader.readFile(path, role: role)
        }
        reader.collector.addUnreferencedMedia(of: paths)
        var media = reader.collector.media
        Audiences.fill(&media) { audience(of: $0, account: reader.accountPrivacy) }
        return ParsedExport(platform: platform, ownerName: reader.ownerName, media: media,
                            warnings: reader.collector.warnings + reader.references.warnings(),
                            ownerUsername: reader.ownerUsername)
    }
}
