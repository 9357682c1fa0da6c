import Foundation
import ExposureModel
import HTMLDocument

/// Facebook "Download Your Information", HTML format (the download page's default; archive-formats.md §1):
/// the same folders and file names as the JSON format with `.html` pages instead (`posts/album/<n>.html`,
/// `your_posts__check_ins__photos_and_videos_1.html`, `your_uncategorized_photos.html`, `your_videos.html`,
/// `archived_stories.html`, `profile_information/profile_information.html`, `messages/…/message_1.html`),
/// each page a list of Meta's entry boxes (MetaHTML). Items, times, places, upload IPs, cameras and
/// tagged names come out as the JSON reader gives them for the same account. Recognised only when
/// the tree has Facebook pages and no Facebook JSON (a JSON download is read by FacebookExport).
public enum FacebookHTMLExport: HTMLExportFormat {
    public static let platform = Platform.facebook

    static func role(of path: String) -> FacebookExport.FileRole? {
        let lower = path.lowercased()
        guard lower.hasSuffix(".html") || lower.hasSuffix(".htm") else { return nil }
        let asJSON = String(path[..<path.lastIndex(of: ".")!]) + ".json"
        return FacebookExport.role(of: asJSON)
    }

    public static func recognizes(_ tree: ExportFileTree) -> Bool {
        var pages = false
        for path in tree.paths {
            let lower = path.lowercased()
            if lower.hasSuffix(".json"), FacebookExport.role(of: path) != nil, FacebookExport.role(of: path) != .messages { return false }
            guard let role = role(of: path), role != .messages, role != .otherPostMedia else {
                let segments = PathText.segments(lower)
                if lower.hasSuffix(".html"), segments.contains("your_facebook_activity") || segments.contains("your_activity_across_facebook") {
                    pages = true
                }
                continue
            }
            if role == .profileInformation, !PathText.segments(lower).dropLast().contains("profile_information") { continue }
            pages = true
        }
        return pages
    }

    public static func read(_ tree: ExportFileTree) throws -> ParsedExport {
        let paths = tree.paths
        var collector = MediaCollector()
        var references = MetaReferences(index: PathIndex(paths))
        var ownerName: String?
        for path in paths.sorted() {
            guard let role = role(of: path) else { continue }
            guard let document = MetaHTML.load(path, tree: tree, into: &collector) else { continue }
            let title = document.title
            let entries = MetaHTML.entries(document)
            switch role {
            case .profileInformation:
                ownerName = ownerName ?? entries.lazy.compactMap { $0.value("Name", "Full name") }.first
                continue
            default: break
            }
            let isProfileAlbum = role == .album && title.map { FacebookExport.profilePictureAlbumNames.contains($0.lowercased()) } ?? false
            let kind: Appearance.Kind
            var album: String?
            switch role {
            case .album: kind = isProfileAlbum ? .profilePicture : .album; album = title
            case .posts, .videos: kind = .post
            case .stories: kind = .story
            case .profileUpdates: kind = .profilePicture
            case .uncategorized: kind = .uncategorized
            case .messages: kind = .other; album = "Messages: " + (title ?? "untitled")
            case .otherPostMedia, .profileInformation: kind = .other
            }
            for entry in entries {
                let extra = MetaHTML.metadata(entry.rows, sourceFile: path)
                for media in entry.media {
                    guard let (file, present) = references.resolve(media.uri, from: path) else { continue }
                    let own = MetaHTML.metadata(media.rows, sourceFile: path)
                    // A post's own rows (tags, place) apply to every photo of it, after the photo's own.
                    let metadata = media.nested ? MediaCollector.merge(own, extra) : own
                    let isPost = role == .posts || role == .stories || role == .profileUpdates
                    // The HTML pages carry no audience field; a conversation's media went to its participants.
                    let appearance = Appearance(kind: kind, album: album,
                                                caption: isPost ? (entry.text ?? media.text) : media.text,
                                                postTime: isPost ? (entry.date ?? media.date) : media.date,
                                                audience: role == .messages ? MetaMessages.audience(album!) : nil)
                    collector.add(path: file, present: present, appearance: appearance, metadata: metadata,
                                  isProfilePicture: kind == .profilePicture)
                }
            }
        }
        collector.addUnreferencedMedia(of: paths)
        return ParsedExport(platform: platform, ownerName: ownerName, media: collector.media,
                            warnings: collector.warnings + references.warnings())
    }
}
