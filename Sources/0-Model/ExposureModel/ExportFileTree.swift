import Foundation

/// The files of one export as platform readers see them: relative '/'-separated paths
/// and the contents of the small text files (JSON, JS, HTML) that describe the media.
/// ArchiveInput provides it for zips, split zips, tarballs and folders; tests build
/// `InMemoryFileTree`s. Readers never see the user's absolute paths.
public protocol ExportFileTree: Sendable {
    /// Every regular file of the export, relative to its root, '/'-separated, no "." or ".." segments.
    var paths: [String] { get }
    /// The bytes of one file, at most `maxBytes` (throws when it is larger or unreadable).
    func contents(of path: String, maxBytes: Int) throws -> Data
}

public extension ExportFileTree {
    /// Default cap for metadata files: 256 MiB (a large tweets.js or posts JSON).
    func contents(of path: String) throws -> Data { try contents(of: path, maxBytes: 256 << 20) }
}

public struct FileTreeError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public init(path: String, reason: String) { self.path = path; self.reason = reason }
    public var description: String { "\(path): \(reason)" }
}

/// An export held in memory: for tests and for generated demo archives.
public struct InMemoryFileTree: ExportFileTree {
    public var files: [String: Data]
    public init(_ files: [String: Data]) { self.files = files }
    public var paths: [String] { files.keys.sorted() }
    public func contents(of path: String, maxBytes: Int) throws -> Data {
        guard let data = files[path] else { throw FileTreeError(path: path, reason: "no such file") }
        guard data.count <= maxBytes else { throw FileTreeError(path: path, reason: "larger than \(maxBytes) bytes") }
        return data
    }
}
