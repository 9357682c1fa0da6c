import Foundation
import ExposureModel

/// Snapchat's caption/drawing layers and chat media (archive-formats.md §5.1):
///
///     memories/2019-07-14_<uuid>-main.jpg       the memory
///     memories/2019-07-14_<uuid>-overlay.png    its transparent caption/drawing layer
///     chat_media/2019-02-12_b~EiQSF….jpg        media sent in a chat, named after its "Media IDs" entry
///     chat_media/2019-02-13_media~zip-<uuid>.mp4 / 2019-02-13_overlay~zip-<uuid>.png   a chat snap and its layer
///     json/chat_history.json                    {"<conversation>": [{"From", "Created", "Media IDs": "a | b", …}]}
///
/// An overlay belongs to the file beside it: it is never an item, it makes its main item `hasOverlay`.
/// A memory overlay's main is the file with the same name up to `-main`; a chat overlay's main is
/// the one `media~` file of the same day (none when the day has several: the overlay is still no item).
/// Memories split into several files (a long video: several `-main` files, one timestamp) stay
/// separate items; each entry of the JSON takes one of them.
enum SnapchatOverlays {
    /// True for a caption layer file: `…-overlay.png` (memories) or `…_overlay~…` (chat media).
    static func isOverlay(_ path: String) -> Bool {
        let name = PathText.basename(path).lowercased()
        return PathText.stem(name).hasSuffix("-overlay") || name.contains("_overlay~")
    }

    /// True when a file in a `memories/` folder is named like Snapchat's bundled memories:
    /// `YYYY-MM-DD_<id>-main.<ext>`.
    static func hasMemoryNames(_ paths: [String]) -> Bool {
        paths.contains { path in
            guard PathText.segments(path).dropLast().last == "memories", MediaFiles.isMedia(path) else { return false }
            let stem = PathText.stem(PathText.basename(path))
            let day = stem.prefix(11)
            return stem.lowercased().hasSuffix("-main") && day.count == 11 && day.last == "_"
                && Timestamps.parseDateTime(String(day.prefix(10))) != nil
        }
    }

    /// Every overlay of the tree, mapped to its main file when one is found.
    static func find(in paths: [String]) -> [String: String?] {
        var overlays: [String: String?] = [:]
        let media = paths.filter { MediaFiles.isMedia($0) && !isOverlay($0) }
        var byMainStem: [String: String] = [:]
        var chatByDay: [String: [String]] = [:]
        for path in media {
            let name = PathText.basename(path)
            let stem = PathText.stem(name)
            if stem.lowercased().hasSuffix("-main") {
                byMainStem[PathText.join(PathText.directory(path), String(stem.dropLast("-main".count)))] = path
            }
            if name.contains("_media~") {
                chatByDay[PathText.join(PathText.directory(path), String(name.prefix(10))), default: []].append(path)
            }
        }
        for path in paths where MediaFiles.isMedia(path) && isOverlay(path) {
            let name = PathText.basename(path)
            let stem = PathText.stem(name)
            if stem.lowercased().hasSuffix("-overlay") {
                let key = PathText.join(PathText.directory(path), String(stem.dropLast("-overlay".count)))
                overlays[path] = .some(byMainStem[key])
            } else {
                let candidates = chatByDay[PathText.join(PathText.directory(path), String(name.prefix(10)))] ?? []
                overlays[path] = .some(candidates.count == 1 ? candidates[0] : nil)
            }
        }
        return overlays
    }

    /// Marks each overlay's main item (already collected) as `hasOverlay`; warns about overlays without one.
    static func attach(_ overlays: [String: String?], to collector: inout MediaCollector) {
        var orphans: [String] = []
        for (overlay, main) in overlays.sorted(by: { $0.key < $1.key }) {
            guard let main, collector.contains(main) else { orphans.append(overlay); continue }
            var metadata = PlatformMetadata()
            metadata.hasOverlay = true
            collector.add(path: main, present: true, appearance: nil, metadata: metadata)
        }
        if let first = orphans.first {
            collector.warn("\(first): caption overlay without its main file\(orphans.count > 1 ? " (and \(orphans.count - 1) more)" : ""); not counted as an item")
        }
    }
}

/// Chat media linked to `json/chat_history.json` entries by the IDs in their file names.
enum SnapchatChats {
    struct Message {
        var conversation: String
        var sender: String?
        var created: Date?
    }

    /// Media ID → the message that sent it.
    static func messages(in json: JSONValue) -> [String: Message] {
        var byID: [String: Message] = [:]
        guard let conversations = json.object else { return byID }
        for (conversation, list) in conversations.sorted(by: { $0.key < $1.key }) {
            for entry in list.array ?? [] {
                guard let ids = entry["Media IDs"]?.text, !ids.isEmpty else { continue }
                let message = Message(conversation: conversation, sender: entry["From"]?.text,
                                      created: Timestamps.parseDateTime(entry["Created"]?.text))
                for id in ids.split(separator: "|") {
                    let clean = id.trimmingCharacters(in: .whitespaces)
                    if !clean.isEmpty, byID[clean] == nil { byID[clean] = message }
                }
            }
        }
        return byID
    }

    /// The media ID in a chat media file name: `2019-02-12_b~EiQ….jpg` → `b~EiQ…`.
    static func mediaID(ofFile path: String) -> String? {
        let stem = PathText.stem(PathText.basename(path))
        guard stem.count > 11, let underscore = stem.firstIndex(of: "_") else { return nil }
        let id = String(stem[stem.index(after: underscore)...])
        return id.isEmpty ? nil : id
    }

    /// Adds an `.other` appearance ("Chat: <conversation>", caption "From <sender>", the message's
    /// time) to each `chat_media/` file whose ID a chat_history.json entry lists.
    static func link(paths: [String], loader: JSONLoader, into collector: inout MediaCollector) {
        let chatFiles = paths.filter {
            MediaFiles.isMedia($0) && PathText.segments($0).dropLast().contains("chat_media") && !SnapchatOverlays.isOverlay($0)
        }
        guard !chatFiles.isEmpty else { return }
        var byID: [String: Message] = [:]
        for jsonPath in paths where PathText.basename(jsonPath) == "chat_history.json" {
            guard let json = loader.load(jsonPath, into: &collector) else { continue }
            for (id, message) in messages(in: json) where byID[id] == nil { byID[id] = message }
        }
        guard !byID.isEmpty else { return }
        for path in chatFiles {
            guard let id = mediaID(ofFile: path), let message = byID[id] else { continue }
            let appearance = Appearance(kind: .other, album: "Chat: \(message.conversation)",
                                        caption: message.sender.map { "From \($0)" }, postTime: message.created,
                                        platformID: id)
            collector.add(path: path, present: true, appearance: appearance)
        }
    }
}
