import ExposureModel

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
        FacebookExport.self,
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

    /// The reader registered for `platform`.
    public static func format(for platform: Platform) -> (any ExportFormat.Type) {
        all.first { $0.platform == platform } ?? FolderExport.self
    }
}
