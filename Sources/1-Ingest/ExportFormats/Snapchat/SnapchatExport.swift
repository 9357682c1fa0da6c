import Foundation
import ExposureModel

/// Snapchat "My Data" export, Memories (archive-formats.md §5.1):
///
///     json/memories_history.json   {"Saved Media": [{"Date": "2019-07-14 18:22:05 UTC", "Media Type": "Image",
///                                   "Location": "Latitude, Longitude: 52.37022, 4.89517",
///                                   "Download Link": "https://…?…&mid=…", "Media Download Url": "…"}]}
///     memories/…                   media bundled when "Export your Memories" was chosen (2023+; EXIF-stripped;
///                                  captioned memories come with a `-overlay.png`)
///     chat_media/, shared_story/, html/   other parts of the 2025+ multi-zip export
///
/// Without bundled files the entries are download links only: each becomes a missing item
/// (isPresent false). Bundled files are matched to entries by the `mid` of the links when a file
/// name contains it, else by the entry's date at the start of the file name (bundled file naming
/// is unconfirmed in the sources, so both are tried). `Date` is the capture time (UTC).
public enum SnapchatExport: ExportFormat {
    public static let platform = Platform.snapchat

    public static func recognizes(_ tree: ExportFileTree) -> Bool {
        var hasMemoriesFolder = false, hasSnapchatFolders = false
        for path in tree.paths {
            let segments = PathText.segments(path)
            if segments.last == "memories_history.json",
               let data = try? tree.contents(of: path, maxBytes: 64 << 20),
               String(decoding: data.prefix(4096), as: UTF8.self).contains("\"Saved Media\"") { return true }
            if segments.dropLast().contains("memories"), MediaFiles.isMedia(path) { hasMemoriesFolder = true }
            if segments.dropLast().contains("chat_media") || segments.dropLast().contains("shared_story") {
                hasSnapchatFolders = true
            }
        }
        // A part holding memories only (`mydata~<id>-2.zip`): Snapchat's `<date>_<id>-main.<ext>` names.
        return hasMemoriesFolder && (hasSnapchatFolders || SnapchatOverlays.hasMemoryNames(tree.paths))
    }

    struct Memory {
        var date: Date?
        var dateText: String?
        var isVideo: Bool
        var location: GeoPoint?
        var mediaID: String?
    }

    /// "Latitude, Longitude: 52.37022, 4.89517" → point; "0, 0" → nil.
    static func parseLocation(_ text: String?) -> GeoPoint? {
        guard let text, let colon = text.lastIndex(of: ":") else { return nil }
        let numbers = text[text.index(after: colon)...].split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard numbers.count == 2 else { return nil }
        return Geo.point(latitude: .string(numbers[0]), longitude: .string(numbers[1]))
    }

    /// The `mid` query parameter of a memory link.
    static func mediaID(_ link: String?) -> String? {
        guard let link, let components = URLComponents(string: link) else { return nil }
        return components.queryItems?.first { $0.name == "mid" }?.value.flatMap { $0.isEmpty ? nil : $0 }
    }

    public static func read(_ tree: ExportFileTree) throws -> ParsedExport {
        let paths = tree.paths.sorted()
        var collector = MediaCollector()
        let loader = JSONLoader(tree: tree, repairMojibake: false)

        let overlays = SnapchatOverlays.find(in: paths)   // caption layers: part of their main item, never items
        var bundled = paths.filter {
            MediaFiles.isMedia($0) && PathText.segments($0).dropLast().contains("memories")
                && !PathText.basename($0).lowercased().contains("-overlay") && overlays[$0] == nil
        }
        for jsonPath in paths where PathText.basename(jsonPath) == "memories_history.json" {
            guard let json = loader.load(jsonPath, into: &collector) else { continue }
            guard let list = json["Saved Media"]?.array else {
                collector.warn("\(jsonPath): expected an object with a \"Saved Media\" list, found \(json.kindName); skipped")
                continue
            }
            let root = PathText.directory(PathText.directory(jsonPath))  // json/ sits at the export root
            var missing = 0
            for (index, entry) in list.enumerated() {
                guard entry.object != nil else { continue }
                let dateText = entry["Date"]?.text
                let memory = Memory(date: Timestamps.parseDateTime(dateText), dateText: dateText,
                                    isVideo: (entry["Media Type"]?.text ?? "").lowercased().contains("video"),
                                    location: parseLocation(entry["Location"]?.text),
                                    mediaID: mediaID(entry["Download Link"]?.text) ?? mediaID(entry["Media Download Url"]?.text))
                let metadata = PlatformMetadata(takenTime: memory.date, location: memory.location, sourceFile: jsonPath)
                let appearance = Appearance(kind: .memory, platformID: memory.mediaID, audience: memoryAudience(jsonPath))
                if let i = matchBundled(memory, in: bundled) {
                    collector.add(path: bundled.remove(at: i), present: true, appearance: appearance, metadata: metadata)
                } else {
                    let day = (dateText ?? "unknown").prefix(19).replacingOccurrences(of: " ", with: "_")
                        .replacingOccurrences(of: ":", with: "-")
                    let name = "\(day)_\(memory.mediaID ?? String(index + 1)).\(memory.isVideo ? "mp4" : "jpg")"
                    missing += 1
                    collector.add(path: PathText.join(PathText.join(root, "memories"), name), present: false,
                                  appearance: appearance, metadata: metadata)
                }
            }
            if missing > 0 { collector.warn("\(jsonPath): \(missing) memories are not in the export (download links only)") }
        }
        // Bundled memories without an entry (2023 exports omit the JSON) are memories all the same.
        for path in paths where MediaFiles.isMedia(path) && PathText.segments(path).dropLast().contains("memories")
            && !collector.contains(path) && overlays[path] == nil {
            collector.add(path: path, present: true, appearance: Appearance(kind: .memory, audience: memoryAudience(path)))
        }
        SnapchatChats.link(paths: paths, loader: loader, into: &collector)
        collector.addUnreferencedMedia(of: paths.filter { overlays[$0] == nil })
        SnapchatOverlays.attach(overlays, to: &collector)
        return ParsedExport(platform: platform, media: collector.media, warnings: collector.warnings)
    }

    /// Memories are what the account holder saved for themselves; a snap or story sent from
    /// one is another appearance, not in this file.
    static func memoryAudience(_ path: String) -> Audience {
        Audience(.private, evidence: "\(path): Snapchat Memories are kept for the account holder only")
    }

    private static func matchBundled(_ memory: Memory, in files: [String]) -> Int? {
        if let mid = memory.mediaID, let i = files.firstIndex(where: { PathText.basename($0).contains(mid) }) { return i }
        guard let day = memory.dateText?.prefix(10), day.count == 10 else { return nil }
        return files.firstIndex { PathText.basename($0).hasPrefix(day) && MediaFiles.isVideo($0) == memory.isVideo }
    }
}
