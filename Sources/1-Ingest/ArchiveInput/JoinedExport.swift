import Foundation

// Joining exports that are parts of one download (issue #16). Which inputs belong together is
// decided from their content, above this module (ExportFormats' ExportParts: the JSON in one part
// that names files another holds, a shared root, the platforms' part-naming schemes); this file
// only makes one file tree of the chosen parts, the way `init(parts:)` does for Takeout's -NNN names.

extension ExportArchive {
    /// The parts of `archives`, in this order, as one export: one merged file tree. A path held by
    /// two parts is taken from the first and reported (`duplicate`) for the other, as within one
    /// part. Every archive's own issues are kept. Nothing is re-read: the indexes are joined.
    public convenience init(joining archives: [ExportArchive]) {
        precondition(!archives.isEmpty, "joining needs at least one export")
        var parts: [Part] = []
        var locations: [String: Location] = [:]
        var cache: [String: Data] = [:]
        var folderNames: [String: [[UInt8]]] = [:]
        var issues: [ArchiveIssue] = []
        for archive in archives {
            let offset = parts.count
            parts += archive.parts
            // "contains no files" of one part says nothing about the joined export.
            issues += archive.issues.filter { !($0.kind == .empty && $0.entry == nil) }
            for path in archive.paths {
                guard var location = archive.locations[path] else { continue }
                let partName = archive.parts[location.part].name
                if let existing = locations[path] {
                    issues.append(ArchiveIssue(archive: partName, entry: path, kind: .duplicate,
                                               reason: "duplicate name: the entry in \(parts[existing.part].name) with the same path is used; this one is skipped"))
                    continue
                }
                location.part += offset
                locations[path] = location
                if let data = archive.cache[path] { cache[path] = data }
                if let names = archive.folderNames[path] { folderNames[path] = names }
            }
        }
        if locations.isEmpty && issues.isEmpty {
            issues.append(ArchiveIssue(archive: archives[0].displayName, entry: nil, kind: .empty, reason: "contains no files"))
        }
        self.init(displayName: archives[0].displayName, parts: parts, locations: locations, cache: cache,
                  folderNames: folderNames, issues: issues, limits: archives[0].limits)
    }
}
