import Foundation
import ExposureModel

/// Google Takeout, Google Photos part (archive-formats.md §3). Layout:
///
///     Takeout/Google Photos/Photos from 2020/IMG_1.jpg           year folder
///     Takeout/Google Photos/Photos from 2020/IMG_1.jpg.json      per-media sidecar (or .supplemental-metadata.json)
///     Takeout/Google Photos/<Album title>/IMG_1.jpg              the same photo again, per album
///     Takeout/Google Photos/<Album title>/metadata.json          album {title, description, date}
///     Takeout/Profile/Profile.json                               {displayName, name{formattedName}} (when exported)
///
/// The product and metadata names are localized, so JSON files are told apart by content
/// (a sidecar has `photoTakenTime`; an album file has `title` and no `photoTakenTime`), and
/// sidecars are matched to media with every naming quirk of §3.4 (see `GoogleSidecarMatcher`).
/// A tree merged from several zip parts is one tree: a photo and its sidecar may come from different parts.
///
/// Location decision: `PlatformMetadata.location` is `geoData` (what Google Photos shows, possibly
/// user-edited); when that is absent or (0, 0), `geoDataExif` (what Google read from the file) is used.
public enum GoogleTakeoutExport: ExportFormat {
    public static let platform = Platform.googleTakeout

    static let yearFolderPrefixes = ["photos from ", "fotos del ", "fotos von ", "fotos de ", "foto dal ", "photos de "]
    static let trashFolders: Set<String> = ["trash", "corbeille", "papierkorb", "cestino", "papelera", "lixeira",
                                            "prullenbak", "kosz", "koš", "корзина", "failed videos"]

    /// Album metadata file names (localized); the content test (`title`, no `photoTakenTime`) decides.
    static let albumMetadataNames: Set<String> = [
        "metadata.json", "métadonnées.json", "metadati.json", "metadaten.json", "metadáta.json", "метаданные.json",
        "метаданни.json", "metadatos.json", "metadades.json",
    ]

    static func isYearFolder(_ name: String) -> Bool {
        let lower = name.lowercased()
        guard let prefix = yearFolderPrefixes.first(where: { lower.hasPrefix($0) }) else { return false }
        let year = lower.dropFirst(prefix.count)
        return year.count == 4 && year.allSatisfy(\.isNumber)
    }

    static func isPhotosProductFolder(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.contains("google") && ["photo", "foto", "фото", "снимки", "zdjęcia", "相簿", "フォト"].contains { lower.contains($0) }
    }

    public static func recognizes(_ tree: ExportFileTree) -> Bool {
        var sidecarCandidates: [String] = []
        for path in tree.paths {
            let segments = PathText.segments(path)
            if let takeout = segments.firstIndex(of: "Takeout"), takeout + 1 < segments.count - 1,
               isPhotosProductFolder(segments[takeout + 1]) { return true }
            let name = segments.last ?? ""
            guard name.lowercased().hasSuffix(".json") else { continue }
            if PathText.contains(name, ".supplemental-metadata") { return true }
            if segments.count > 1, isYearFolder(segments[segments.count - 2]) { return true }
            if MediaFiles.isMedia(String(name.dropLast(5))) { sidecarCandidates.append(path) }
        }
        // A bare folder of photos with `<name>.<ext>.json` beside them: peek at a few for photoTakenTime.
        for path in sidecarCandidates.prefix(8) {
            if let data = try? tree.contents(of: path, maxBytes: 1 << 20), let json = try? JSONValue.parse(data),
               json["photoTakenTime"] != nil { return true }
        }
        return false
    }

    public static func read(_ tree: ExportFileTree) throws -> ParsedExport {
        let paths = tree.paths
        var collector = MediaCollector()
        let loader = JSONLoader(tree: tree, repairMojibake: false)
        var ownerName: String?

        // Directories → their media and JSON files.
        var mediaByDirectory: [String: [String]] = [:]
        var jsonByDirectory: [String: [String]] = [:]
        for path in paths {
            let directory = PathText.directory(path)
            if path.lowercased().hasSuffix(".json") { jsonByDirectory[directory, default: []].append(path) }
            else if MediaFiles.isMedia(path) { mediaByDirectory[directory, default: []].append(path) }
        }

        // Media of other Takeout products (Drive, Chat, …) are listed too, but not as photo albums.
        let hasPhotosProduct = paths.contains { PathText.segments($0).dropLast().contains(where: isPhotosProductFolder) }

        for directory in Set(mediaByDirectory.keys).union(jsonByDirectory.keys).sorted() {
            var sidecars: [GoogleSidecar] = []
            var albumTitle: String?
            var albumAudience: Audience?
            var hasAlbumFile = false
            for jsonPath in (jsonByDirectory[directory] ?? []).sorted() {
                let name = PathText.basename(jsonPath)
                let inPhotos = mediaByDirectory[directory] != nil || PathText.contains(name, ".supplemental-")
                    || MediaFiles.isMedia(PathText.stem(name)) || PathText.segments(directory).contains { isYearFolder($0) }
                    || PathText.segments(directory).contains { isPhotosProductFolder($0) }
                let isProfile = name.lowercased() == "profile.json"
                // Other Takeout products (location history, …) are not read: they can be huge.
                guard inPhotos || isProfile else { continue }
                guard let json = loader.load(jsonPath, into: &collector) else { continue }
                let looksLikeSidecar = PathText.contains(name, ".supplemental-") || MediaFiles.isMedia(PathText.stem(name))
                guard let object = json.object else {
                    // Other photo-product files (print-subscriptions.json, …) are lists: only a sidecar is wrong here.
                    if looksLikeSidecar { collector.warn("\(jsonPath): expected a JSON object, found \(json.kindName); skipped") }
                    continue
                }
                if object["photoTakenTime"] != nil || (object["creationTime"] != nil && object["title"] != nil
                                                       && object["access"] == nil && object["date"] == nil) {
                    sidecars.append(GoogleSidecar(path: jsonPath, json: json))
                } else if isProfile || object["displayName"] != nil {
                    ownerName = ownerName ?? json["displayName"]?.text ?? json["name"]?["formattedName"]?.text
                } else if let album = json["albumData"] ?? (object["title"] != nil && (object["access"] != nil
                            || object["date"] != nil || albumMetadataNames.contains(name.lowercased())) ? json : nil) {
                    hasAlbumFile = true
                    albumTitle = album["title"]?.text
                    // A shared album's metadata carries its link access ("protected" seen); a private one none.
                    if let access = album["access"]?.text, !access.trimmingCharacters(in: .whitespaces).isEmpty {
                        albumAudience = Audience(.shared, evidence: "\(jsonPath): album access \"\(access)\"")
                    }
                }
            }

            let folderName = PathText.basename(directory)
            let appearanceKind: Appearance.Kind
            var albumName: String?
            if hasAlbumFile { appearanceKind = .album; albumName = albumTitle ?? folderName }
            else if isYearFolder(folderName) { appearanceKind = .uncategorized }
            else if trashFolders.contains(folderName.lowercased()) { appearanceKind = .other; albumName = folderName }
            else if directory.isEmpty || isPhotosProductFolder(folderName) { appearanceKind = .uncategorized }
            else if hasPhotosProduct && !PathText.segments(directory).contains(where: isPhotosProductFolder) {
                appearanceKind = .other; albumName = folderName
            } else { appearanceKind = .album; albumName = folderName }

            let media = (mediaByDirectory[directory] ?? []).sorted()
            var matcher = GoogleSidecarMatcher(sidecars: sidecars, mediaNames: media.map(PathText.basename))
            for path in media {
                let sidecar = matcher.sidecar(for: PathText.basename(path))
                let appearance = Appearance(kind: appearanceKind, album: albumName, caption: sidecar?.description,
                                            postTime: sidecar?.creationTime, link: sidecar?.url,
                                            audience: albumAudience ?? sidecar?.sharing)
                collector.add(path: path, present: true, appearance: appearance,
                              metadata: sidecar?.metadata ?? PlatformMetadata())
            }
            // A sidecar no file claims describes a photo this tree lacks (e.g. a zip part not given).
            var missingCount = 0
            for sidecar in matcher.unusedSidecars {
                let missingPath = PathText.join(directory, sidecar.expectedMediaName)
                guard !collector.contains(missingPath) else { continue }
                missingCount += 1
                collector.add(path: missingPath, present: false,
                              appearance: Appearance(kind: appearanceKind, album: albumName, caption: sidecar.description,
                                                     postTime: sidecar.creationTime, link: sidecar.url,
                                                     audience: albumAudience ?? sidecar.sharing),
                              metadata: sidecar.metadata)
            }
            if missingCount > 0 {
                collector.warn("\(directory): \(missingCount) sidecar JSON file(s) describe media not in the export")
            }
        }
        return ParsedExport(platform: platform, ownerName: ownerName, media: collector.media, warnings: collector.warnings)
    }
}
