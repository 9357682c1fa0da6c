import Foundation
import ExposureModel

/// A plain folder of photos and videos, the fallback for any tree no platform reader recognizes:
/// each media file (by extension) is an item appearing in the "album" of its parent folder.
public enum FolderExport: ExportFormat {
    public static let platform = Platform.folder

    public static func recognizes(_ tree: ExportFileTree) -> Bool {
        tree.paths.contains(where: MediaFiles.isMedia)
    }

    public static func read(_ tree: ExportFileTree) throws -> ParsedExport {
        var collector = MediaCollector()
        for path in tree.paths where MediaFiles.isMedia(path) {
            let parent = PathText.directory(path)
            collector.add(path: path, present: true,
                          appearance: Appearance(kind: .folder, album: parent.isEmpty ? nil : PathText.basename(parent)))
        }
        return ParsedExport(platform: platform, media: collector.media, warnings: collector.warnings)
    }
}
