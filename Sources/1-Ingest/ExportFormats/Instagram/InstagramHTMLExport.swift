import Foundation
import ExposureModel
import HTMLDocument

/// Instagram's data download, HTML format (the default; archive-formats.md §2): the JSON layout's
/// folders with `.html` pages (`your_instagram_activity/media/posts_1.html`, `stories.html`,
/// `profile_photos.html`, `archived_posts.html`, `reels.html`, `recently_deleted_content.html`,
/// `personal_information/personal_information/personal_information.html`, `messages/…/message_1.html`),
/// read with MetaHTML. "Tagged users" rows (`username (Tagged, x, y)`) and Latitude/Longitude are
/// documented only in these pages: tagged users become the item's people. Recognised only when
/// the tree has Instagram pages and no Instagram JSON.
public enum InstagramHTMLExport: HTMLExportFormat {
    public static let platform = Platform.instagram

    static func role(of path: String) -> InstagramExport.FileRole? {
        let lower = path.lowercased()
        guard lower.hasSuffix(".html") || lower.hasSuffix(".htm") else { return nil }
        let asJSON = String(path[..<path.lastIndex(of: ".")!]) + ".json"
        let role = InstagramExport.role(of: asJSON)
        if role == .legacyMedia || role == .legacyProfile { return nil }
        return role
    }

    public static func recognizes(_ tree: ExportFileTree) -> Bool {
        var pages = false
        for path in tree.paths {
            let lower = path.lowercased()
            let segments = PathText.segments(lower)
            if lower.hasSuffix(".json"), let role = InstagramExport.role(of: path), role != .messages, role != .legacyMedia, role != .legacyProfile {
                return false
            }
            guard lower.hasSuffix(".html") else { continue }
            if segments.contains("your_instagram_activity") { pages = true; continue }
            let parent = segments.count > 1 ? segments[segments.count - 2] : ""
            if parent == "personal_information", segments.last == "personal_information.html" { pages = true }
            if parent == "content" || parent == "media", let name = segments.last,
               InstagramExport.isPostsFile(String(name.dropLast(5)) + ".json") || name == "profile_photos.html" { pages = true }
        }
        return pages
    }

    public static func read(_ tree: ExportFileTree) throws -> ParsedExport {
        let paths = tree.paths
        var collector = MediaCollector()
        var references = MetaReferences(index: PathIndex(paths))
        var ownerName: String?, ownerUsername: String?
        var accountPrivacy: (isPrivate: Bool, evidence: String)?
        for path in paths.sorted() {
            guard let role = role(of: path) else { continue }
            guard let document = MetaHTML.load(path, tree: tree, into: &collector) else { continue }
            let entries = MetaHTML.entries(document)
            var kind = Appearance.Kind.post
            var album: String?
            var isProfilePicture = false
            switch role {
            case .personalInformation:
                ownerName = ownerName ?? entries.lazy.compactMap { $0.value("Name") }.first
                ownerUsername = ownerUsername ?? entries.lazy.compactMap { $0.value("Username") }.first
                if let flag = entries.lazy.compactMap({ $0.value("Private Account") ?? $0.value("Private account") }).first {
                    accountPrivacy = InstagramReader.privacy(flag, evidence: path)
                }
                kind = .profilePicture; isProfilePicture = true
            case .posts(let a, let k, _): album = a; kind = k
            case .stories: kind = .story
            case .profilePhotos: kind = .profilePicture; isProfilePicture = true
            case .messages: kind = .other; album = "Messages: " + (document.title ?? "untitled")
            case .otherContent: kind = .other
            case .legacyMedia, .legacyProfile: continue
            }
            for entry in entries {
                let extra = MetaHTML.metadata(entry.rows, sourceFile: path)
                for media in entry.media {
                    guard let (file, present) = references.resolve(media.uri, from: path) else { continue }
                    let own = MetaHTML.metadata(media.rows, sourceFile: path)
                    let appearance = Appearance(kind: kind, album: album, caption: media.heading ?? media.text ?? entry.heading ?? entry.text,
                                                postTime: media.date ?? entry.date,
                                                audience: role == .messages ? MetaMessages.audience(album!) : nil)
                    collector.add(path: file, present: present, appearance: appearance,
                                  metadata: media.nested ? MediaCollector.merge(own, extra) : own, isProfilePicture: isProfilePicture)
                }
            }
        }
        collector.addUnreferencedMedia(of: paths)
        var media = collector.media
        Audiences.fill(&media) { InstagramExport.audience(of: $0, account: accountPrivacy) }
        return ParsedExport(platform: platform, ownerName: ownerName, media: media,
                            warnings: collector.warnings + references.warnings(), ownerUsername: ownerUsername)
    }
}
