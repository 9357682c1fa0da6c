import Foundation

/// Which files of an export are photos or videos: by extension, as the platforms name them.
/// (Content sniffing happens later, in MediaMetadata; readers only need to know what to list.)
enum MediaFiles {
    static let photoExtensions: Set<String> = [
        "jpg", "jpeg", "jpe", "jfif", "png", "heic", "heif", "webp", "gif", "tif", "tiff", "bmp", "dng", "avif",
    ]
    static let videoExtensions: Set<String> = [
        "mp4", "mov", "m4v", "3gp", "3g2", "avi", "mkv", "webm", "mpg", "mpeg", "mts", "m2ts", "wmv",
        "mp",  // Google's motion-photo video part (`IMG_1234.MP`)
    ]

    /// A photo or video by extension; macOS resource forks (`._IMG.jpg`, `__MACOSX/`) are not.
    static func isMedia(_ path: String) -> Bool {
        if PathText.basename(path).hasPrefix("._") || path.hasPrefix("__MACOSX/") || PathText.contains(path, "/__MACOSX/") { return false }
        let ext = PathText.fileExtension(of: path).lowercased()
        return photoExtensions.contains(ext) || videoExtensions.contains(ext)
    }

    static func isVideo(_ path: String) -> Bool {
        videoExtensions.contains(PathText.fileExtension(of: path).lowercased())
    }
}

/// '/'-separated relative path helpers (the tree never holds absolute paths).
enum PathText {
    // Byte-level scans: '/' is ASCII, and Character iteration is several times slower.
    static func basename(_ path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
        return String(path[path.utf8.index(after: slash)...])
    }

    static func directory(_ path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        return String(path[..<slash])
    }

    static func segments(_ path: String) -> [String] {
        path.utf8.split(separator: UInt8(ascii: "/")).map { String(path[$0.startIndex..<$0.endIndex]) }
    }

    /// The extension without its dot, "" when the name has none.
    static func fileExtension(of path: String) -> String {
        let name = basename(path)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return String(name[name.index(after: dot)...])
    }

    /// The name without its last extension.
    static func stem(_ name: String) -> String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    static func join(_ directory: String, _ name: String) -> String {
        directory.isEmpty ? name : directory + "/" + name
    }

    static func isRemote(_ uri: String) -> Bool {
        contains(uri, "://")
    }

    /// Substring test on UTF-8 bytes (Foundation's `contains` goes through CFString on Linux and
    /// dominated the readers' profile).
    static func contains(_ text: String, _ needle: String) -> Bool {
        var text = text, needle = needle
        return text.withUTF8 { haystack in
            needle.withUTF8 { wanted in
                guard !wanted.isEmpty else { return true }
                guard wanted.count <= haystack.count else { return false }
                let first = wanted[0]
                for start in 0...(haystack.count - wanted.count) where haystack[start] == first {
                    if memcmp(haystack.baseAddress! + start, wanted.baseAddress!, wanted.count) == 0 { return true }
                }
                return false
            }
        }
    }

    /// `text` without leading and trailing whitespace (Foundation's trimming is slow on Linux).
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return text }
        if !first.properties.isWhitespace && !last.properties.isWhitespace { return text }
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let end = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[start...end])
    }

    /// NFC form; ASCII text (nearly every path) is returned as is, since Foundation's normalization is slow.
    static func nfc(_ text: String) -> String {
        text.utf8.allSatisfy { $0 < 0x80 } ? text : text.precomposedStringWithCanonicalMapping
    }

    static func normalized(_ path: String) -> String {
        var p = nfc(path)
        while p.hasPrefix("./") { p.removeFirst(2) }
        while p.hasPrefix("/") { p.removeFirst() }
        return p
    }
}

/// The tree's paths, indexed to resolve the `uri`s written in platform JSON against the files that
/// exist. Comparisons are on NFC-normalized text (macOS writes NFD file names).
struct PathIndex {
    /// Normalized path → path as the tree spells it.
    private var byNormalizedPath: [String: String] = [:]
    /// Basename → tree paths with that basename.
    private var byBasename: [String: [String]] = [:]
    let paths: [String]

    init(_ paths: [String]) {
        self.paths = paths
        for path in paths {
            let normal = PathText.normalized(path)
            byNormalizedPath[normal] = path
            byBasename[PathText.basename(normal), default: []].append(path)
        }
    }

    func contains(_ path: String) -> Bool { byNormalizedPath[PathText.normalized(path)] != nil }

    func paths(named basename: String) -> [String] { byBasename[PathText.nfc(basename)] ?? [] }

    /// Resolves a uri the way Meta exports need (archive-formats.md §1.1): the uri as written
    /// (relative to the root, or to any folder the archive wraps the export in), then the uri minus
    /// its first segment (2023/2024 exports had a wrong first folder), then a unique file with the
    /// same name anywhere. Remote URLs resolve to nil.
    func resolve(_ uri: String) -> String? {
        guard !PathText.isRemote(uri) else { return nil }
        let wanted = PathText.normalized(uri)
        guard !wanted.isEmpty else { return nil }
        var candidates = [wanted]
        let segments = PathText.segments(wanted)
        // Minus the first folder, while something more than a bare name is left (that is the last step).
        if segments.count > 2 { candidates.append(segments.dropFirst().joined(separator: "/")) }
        for candidate in candidates {
            if let exact = byNormalizedPath[candidate] { return exact }
            let nested = (byBasename[PathText.basename(candidate)] ?? []).filter {
                PathText.normalized($0).hasSuffix("/" + candidate)
            }
            if nested.count == 1 { return nested[0] }
            if nested.count > 1 { return nested.min { $0.count < $1.count } }
        }
        let sameName = byBasename[PathText.basename(wanted)] ?? []
        return sameName.count == 1 ? sameName[0] : nil
    }
}
