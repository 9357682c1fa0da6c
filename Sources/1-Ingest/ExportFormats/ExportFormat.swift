import ExposureModel

// ExportFormats: one reader per platform export, behind `ExportFormat`, registered explicitly in
// `ExportFormatRegistry.all`. Readers see an `ExportFileTree` (relative paths + metadata file
// contents, from ArchiveInput or tests) and return a `ParsedExport`: every photo/video file of the
// tree exactly once (by path), plus the files the JSON names that are absent (isPresent == false),
// each with its appearances (album, post, story, tweet, memory, …) and the platform's own metadata.
// The layouts, fields and quirks are specified in archive-formats.md (shared reference); each
// reader's header lists the eras it reads.
//
// Decisions the reference leaves open:
// * Times written without a zone (Instagram `date_time_original`, old `taken_at`, Snapchat `Date`
//   is UTC anyway) are read as UTC: the wall clock is kept as written.
// * Google: `location` is `geoData`; `geoDataExif` only when `geoData` is absent or (0, 0).
// * Year folders (Google) and other unsorted photos are `.uncategorized`; Meta messenger-thread
//   photos are `.other` with album "Messages: <thread>".
// * Corrupt or misshapen files never throw: a warning names the file and reading goes on.

/// One platform's export layout. Each reader is a stateless type: it recognizes its layout from the
/// tree's content (paths, and a peek at key files; never the archive's file name) and turns the
/// tree into a `ParsedExport`. Readers never throw for a corrupt file inside the export: they record
/// a warning naming the file and go on.
public protocol ExportFormat {
    static var platform: Platform { get }
    /// Cheap check from the content (paths and a peek at key files), never the archive's file name.
    static func recognizes(_ tree: ExportFileTree) -> Bool
    static func read(_ tree: ExportFileTree) throws -> ParsedExport
}

/// The readers, listed explicitly. Order matters: the first reader that recognizes a tree wins,
/// and the plain-folder reader (which accepts anything) comes last.
public enum ExportFormatRegistry {
    public static let all: [any ExportFormat.Type] = [
        FacebookHTMLExport.self,   // before the JSON readers: it claims only trees without their JSON
        FacebookExport.self,
        InstagramHTMLExport.self,
        InstagramExport.self,
        GoogleTakeoutExport.self,
        TwitterExport.self,
        SnapchatExport.self,
        FolderExport.self,
    ]

    /// The reader for `tree`: the first one in `all` that recognizes it (the folder reader at worst).
    public static func detect(_ tree: ExportFileTree) -> (any ExportFormat.Type) {
        for format in all where format.recognizes(tree) { return format }
        return FolderExport.self
    }

    /// Detects the platform and reads the export.
    public static func read(_ tree: ExportFileTree) throws -> ParsedExport { try detect(tree).read(tree) }

    /// The reader registered for `platform` (its JSON reader where it also has an HTML one).
    public static func format(for platform: Platform) -> (any ExportFormat.Type) {
        all.first { $0.platform == platform && !($0 is any HTMLExportFormat.Type) } ?? FolderExport.self
    }

    /// The HTML-format reader registered for `platform`, if it has one.
    public static func htmlFormat(for platform: Platform) -> (any ExportFormat.Type)? {
        all.first { $0.platform == platform && $0 is any HTMLExportFormat.Type }
    }
}

/// A reader of a platform's HTML-format download (Facebook, Instagram): the same interface,
/// marked so that `format(for:)` keeps naming the JSON reader.
public protocol HTMLExportFormat: ExportFormat {}

extension ExportFormatRegistry {
}
