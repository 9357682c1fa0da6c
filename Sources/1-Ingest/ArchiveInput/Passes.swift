import Foundation
#if canImport(Glibc)
import Glibc
#endif

// The two kinds of pass over a part: indexing (headers, plus caching small metadata files)
// and streaming requested files to the caller. Both number entries the same way — every
// header libarchive returns, usable or not — so the second pass finds files by ordinal and
// never by name (names can repeat and can decode differently).

extension ExportArchive.Part {
    var legacyEncoding: EntryNames.LegacyEncoding {
        if case .zip = container { return .cp437 }
        return .latin1
    }
    var isTar: Bool { if case .tar = container { return true } else { return false } }
    var readerFormat: LibArchiveReader.Format {
        switch container {
        case .zip(seekable: true): return .zipSeekable
        case .zip(seekable: false): return .zipStreamable
        default: return .tar
        }
    }
    func issue(_ entry: String?, _ kind: ArchiveIssue.Kind, _ reason: String, entryCount: Int = 1) -> ArchiveIssue {
        ArchiveIssue(archive: name, entry: entry, kind: kind, reason: reason, entryCount: entryCount)
    }
}

/// What one header means for the file tree.
enum HeaderVerdict {
    case file(String)
    case ignore
    case skipped(ArchiveIssue)
}

func classify(_ header: LibArchiveReader.Header, in part: ExportArchive.Part, limits: ArchiveLimits) -> HeaderVerdict {
    let (name, _) = EntryNames.decode(header.rawName, legacy: part.legacyEncoding)
    let type = header.fileType & LibArchiveReader.typeMask
    if type == LibArchiveReader.directory { return .ignore }
    if header.rawName.isEmpty {
        return .skipped(part.issue(nil, .nameEncoding, "an entry's name could not be decoded; skipped"))
    }
    if let target = header.linkTarget, header.isHardLink || type == LibArchiveReader.symlink || type == 0 {
        let what = header.isHardLink ? "hard link" : "symbolic link"
        return .skipped(part.issue(name, .link, "\(what) to '\(target)' is never followed; skipped"))
    }
    if type == LibArchiveReader.symlink {
        return .skipped(part.issue(name, .link, "symbolic link is never followed; skipped"))
    }
    if type != LibArchiveReader.regular {
        return .skipped(part.issue(name, .specialFile, "not a regular file (type \(String(type, radix: 8))); skipped"))
    }
    switch EntryNames.sanitize(name, maxBytes: limits.maxPathBytes) {
    case .empty: return .ignore
    case .rejected(let reason): return .skipped(part.issue(name, .unsafePath, "rejected: \(reason)"))
    case .accepted(let path):
        if header.isEncrypted {
            return .skipped(part.issue(name, .encrypted, "encrypted (password-protected) entry: Exposure cannot read it; skipped (the entries after it are still read)"))
        }
        return .file(path)
    }
}

// MARK: - Index pass

struct Indexer {
    let limits: ArchiveLimits
    var locations: [String: ExportArchive.Location] = [:]
    var cache: [String: Data] = [:]
    var issues: [ArchiveIssue] = []
    /// Folder inputs: each file's path as raw name bytes, for reopening it exactly.
    var folderNames: [String: [[UInt8]]] = [:]
    private var cachedBytes: Int64 = 0
    private var partNames: [Int: String] = [:]

    init(limits: ArchiveLimits) { self.limits = limits }

    /// Indexes one part; throws when the part cannot be opened at all.
    mutating func indexPart(_ part: ExportArchive.Part, number: Int) throws {
        partNames[number] = part.name
        if case .folder = part.container { indexFolder(part, number: number) } else { try indexArchive(part, number: number) }
    }

    private mutating func add(_ path: String, rawName: String, part: ExportArchive.Part,
                              location: ExportArchive.Location) -> Bool {
        if let existing = locations[path] {
            let whereFrom = existing.part == location.part ? "earlier in this archive" : "in \(partNames[existing.part] ?? "another part")"
            issues.append(part.issue(rawName, .duplicate,
                                     "duplicate name: the entry \(whereFrom) with the same path is used; this one is skipped"))
            return false
        }
        locations[path] = location
        return true
    }

    private mutating func indexArchive(_ part: ExportArchive.Part, number: Int) throws {
        // An archive whose directory says it is empty: libarchive calls that "unrecognized".
        if part.zipDeclaredCount == 0 { return }
        let issuesBefore = issues.count
        try LibArchiveReader.withUTF8Names { try indexArchiveEntries(part, number: number) }
        try summariseEncrypted(part, number: number, issuesFrom: issuesBefore)
    }

    /// Entries listed in one report line each when a part has this many encrypted ones or fewer.
    static let encryptedEntriesListed = 5

    /// A password-protected zip is one line naming the archive, not a line per entry: thrown
    /// when no entry can be read, one issue when every media file is encrypted (the rest is
    /// read), and one summary line when a part has more than `encryptedEntriesListed`
    /// encrypted entries; up to that many, each is listed.
    private mutating func summariseEncrypted(_ part: ExportArchive.Part, number: Int, issuesFrom start: Int) throws {
        let encrypted = issues[start...].filter { $0.kind == .encrypted }
        guard !encrypted.isEmpty else { return }
        let readable = locations.filter { $0.value.part == number }.keys
        let metadata = limits.metadataExtensions
        let isMetadata = { (path: String) in metadata.contains(EntryNames.pathExtension(path)) }
        let readableMedia = readable.filter { !isMetadata($0) }.count
        let encryptedMedia = encrypted.filter { !isMetadata($0.entry ?? "") }.count
        let advice = "Exposure cannot read encrypted entries: download the export again without a password"
        let summary: ArchiveIssue
        if readable.isEmpty {
            // Nothing to scan: the part is unreadable, and that is the one thing to say about it.
            issues.removeSubrange(start...)
            let what = encrypted.count == 1 ? "its only file is" : "all \(encrypted.count) of its files are"
            throw part.issue(nil, .encrypted, "password-protected zip (\(what) encrypted); \(advice)", entryCount: encrypted.count)
        } else if encryptedMedia > 0 && readableMedia == 0 && encrypted.count > 1 {
            let media = encryptedMedia == 1 ? "its only media file is" : "all \(encryptedMedia) of its photos, videos and other media files are"
            let others = encrypted.count - encryptedMedia
            summary = part.issue(nil, .encrypted, "password-protected zip: \(media) encrypted and skipped"
                                 + (others > 0 ? " (and \(others) other \(others == 1 ? "file" : "files"))" : "")
                                 + "; only its \(readable.count) unencrypted \(readable.count == 1 ? "file is" : "files are") read. \(advice)",
                                 entryCount: encrypted.count)
        } else if encrypted.count > Indexer.encryptedEntriesListed {
            let names = encrypted.prefix(3).compactMap(\.entry).joined(separator: ", ")
            summary = part.issue(nil, .encrypted, "\(encrypted.count) encrypted entries skipped (\(names) and \(encrypted.count - 3) more); \(advice) to read them", entryCount: encrypted.count)
        } else {
            return
        }
        let first = issues[start...].firstIndex { $0.kind == .encrypted }!
        issues = Array(issues[..<first]) + [summary] + issues[first...].filter { $0.kind != .encrypted }
    }

    private mutating func indexArchiveEntries(_ part: ExportArchive.Part, number: Int) throws {
        let cursor: PartCursor
        do { cursor = try PartCursor(part) } catch let error as ReaderOpenError {
            if let compressor = part.compressor,
               let reason = ForeignFile.compressedNonTar(compressor, fileName: part.name, message: error.message) {
                throw part.issue(nil, .notAnArchive, reason)
            }
            throw part.issue(nil, part.isTar ? .notAnArchive : .corrupt, "cannot be read: \(error.message)")
        }
        let issuesBefore = issues.count
        for rejection in part.zipRejected {
            issues.append(part.issue(EntryNames.decode(rejection.rawName, legacy: .cp437).name, rejection.kind, rejection.reason))
        }
        let budget = PassBudget(limit: limits.passBudget(forPartSize: part.size))
        var failures = 0
        var fatalMessage: String? = nil
        scan: while true {
            let step = cursor.next()
            let ordinal = cursor.ordinal
            switch step {
            case .end: break scan
            case .fatal(let message):
                fatalMessage = message
                issues.append(part.issue(nil, .corrupt, "unreadable after \(ordinal + 1) entries, the rest is lost: \(message)"))
                break scan
            case .failed(let message):
                failures += 1
                issues.append(part.issue("entry #\(ordinal + 1)", .corrupt, "header unreadable: \(message)"))
                if failures > 1000 {
                    issues.append(part.issue(nil, .corrupt, "too many unreadable headers; stopped"))
                    break scan
                }
            case .entry(let header):
                let (name, _) = EntryNames.decode(header.rawName, legacy: part.legacyEncoding)
                if let warning = header.warning {
                    issues.append(part.issue(name, .nameEncoding, "warning while reading the header: \(warning)"))
                }
                var bytesRead: Int64 = 0
                switch classify(header, in: part, limits: limits) {
                case .ignore: break
                case .skipped(let issue): issues.append(issue)
                case .file(let path):
                    let location = ExportArchive.Location(part: number, ordinal: ordinal, declaredSize: header.declaredSize)
                    guard add(path, rawName: name, part: part, location: location) else { break }
                    guard limits.metadataExtensions.contains(EntryNames.pathExtension(path)),
                          (header.declaredSize ?? 0) <= limits.maxCachedFileBytes,
                          cachedBytes + (header.declaredSize ?? 0) <= limits.maxCachedTotalBytes else { break }
                    let entry = EntryReader(
                        path: name, archiveName: part.name, declaredSize: header.declaredSize,
                        cap: limits.maxCachedFileBytes, enforceDeclaredSize: !part.isTar, budget: budget,
                        source: { try cursor.reader.read(into: $0) })
                    do {
                        let data = try entry.readAll()
                        cache[path] = data
                        cachedBytes += Int64(data.count)
                    } catch let issue as ArchiveIssue {
                        if issue.kind != .tooLarge || entry.bytesRead > (header.declaredSize ?? Int64.max) {
                            // Corrupt, over budget, or lying about its size: not a usable file.
                            locations[path] = nil
                            issues.append(issue)
                        }
                    } catch {}
                    bytesRead = entry.bytesRead
                }
                if budget.exhausted || (cursor.reader.isDead && !cursor.canResume) {
                    if !budget.exhausted {
                        issues.append(part.issue(nil, .corrupt, "unreadable after \(ordinal + 1) entries, the rest is lost"))
                    } else {
                        issues.append(part.issue(nil, .budgetExceeded, "decompression budget of \(budget.limit) bytes used up while indexing (possible zip bomb); the rest is not listed"))
                    }
                    break scan
                }
                // Skipping the rest of a tar entry decompresses it: that counts too, and is
                // refused before libarchive starts on it.
                if part.isTar, let declared = header.declaredSize, declared > bytesRead,
                   !budget.spend(declared - bytesRead) {
                    issues.append(part.issue(nil, .budgetExceeded, "decompression budget of \(budget.limit) bytes used up while indexing (possible tar bomb); the rest is not listed"))
                    break scan
                }
            }
        }
        if let declared = part.zipDeclaredCount, UInt64(cursor.ordinal + 1) != declared {
            issues.append(part.issue(nil, .corrupt,
                                     "central directory lists \(declared) entries but \(cursor.ordinal + 1) could be read; the missing ones are skipped"))
        }
        if let fatal = fatalMessage, cursor.ordinal < 0 {
            // Not one header could be read: the part is unreadable, not an empty archive.
            issues.removeSubrange(issuesBefore...)
            if let compressor = part.compressor,
               let reason = ForeignFile.compressedNonTar(compressor, fileName: part.name, message: fatal) {
                throw part.issue(nil, .notAnArchive, reason)
            }
            throw part.issue(nil, .corrupt, "no readable entries: \(fatal)")
        }
    }

    private mutating func indexFolder(_ part: ExportArchive.Part, number: Int) {
        // A POSIX walk rather than FileManager: names are kept as raw bytes (FileManager
        // mangles names that are not UTF-8), every directory is opened relative to its parent
        // with O_NOFOLLOW, and symbolic links are reported, never entered.
        var ordinal = -1
        // Pending folders are kept as names, not open descriptors (a folder with many
        // subfolders must not exhaust the descriptor limit).
        var stack: [[[UInt8]]] = [[]]
        while let components = stack.popLast() {
            let directoryFD: Int32
            do { directoryFD = try FolderFiles.openDirectory(root: part.url, components: components) } catch let error as ReaderOpenError {
                let path = components.map { EntryNames.decode($0, legacy: .latin1).name }.joined(separator: "/")
                issues.append(part.issue(path.isEmpty ? nil : path, .unreadable, "folder cannot be opened: \(error.message)"))
                continue
            } catch { continue }
            guard let directory = fdopendir(directoryFD) else { close(directoryFD); continue }
            var children: [[UInt8]] = []
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
                if name == [0x2e] || name == [0x2e, 0x2e] { continue }
                children.append(name)
            }
            children.sort { $0.lexicographicallyPrecedes($1) }
            for name in children {
                let rawPath = components + [name]
                let path = rawPath.map { EntryNames.decode($0, legacy: .latin1).name }.joined(separator: "/")
                var info = stat()
                guard fstatat(directoryFD, name.map { CChar(bitPattern: $0) } + [0], &info, AT_SYMLINK_NOFOLLOW) == 0 else {
                    issues.append(part.issue(path, .unreadable, "cannot be examined: \(String(cString: strerror(errno)))"))
                    continue
                }
                switch info.st_mode & S_IFMT {
                case S_IFDIR: stack.append(rawPath)
                case S_IFLNK: issues.append(part.issue(path, .link, "symbolic link is never followed; skipped"))
                case S_IFREG:
                    ordinal += 1
                    if add(path, rawName: path, part: part,
                           location: ExportArchive.Location(part: number, ordinal: ordinal, declaredSize: Int64(info.st_size))) {
                        folderNames[path] = rawPath
                    }
                default: issues.append(part.issue(path, .specialFile, "not a regular file; skipped"))
                }
            }
            closedir(directory)   // closes directoryFD too
        }
    }
}

// MARK: - Walking headers

/// Walks a part's headers, numbering every one. After a data error libarchive refuses to go
/// on; in a seekable zip every entry can be reached on its own, so the cursor reopens the
/// archive and passes over the headers already seen (seeks, no decompression). Bounded, so
/// an archive of many broken entries cannot make this quadratic without limit.
final class PartCursor {
    let part: ExportArchive.Part
    private(set) var reader: LibArchiveReader
    private(set) var ordinal = -1
    private var reopens = 0
    static let maxReopens = 100
    var canResume: Bool { part.readerFormat == .zipSeekable }

    init(_ part: ExportArchive.Part) throws {
        self.part = part
        reader = try PartCursor.open(part)
    }

    static func open(_ part: ExportArchive.Part) throws -> LibArchiveReader {
        let virtual = part.zipVirtualTail.map { (prefix: part.zipVirtualPrefix, tail: $0) }
        return try LibArchiveReader(url: part.url, format: part.readerFormat, virtualZip: virtual)
    }

    func next() -> LibArchiveReader.Next {
        if reader.isDead {
            guard canResume, reopens < PartCursor.maxReopens else {
                return .fatal(canResume ? "too many damaged entries; stopped" : "the stream cannot continue after a damaged entry")
            }
            reopens += 1
            guard let fresh = try? PartCursor.open(part) else {
                return .fatal("the archive could not be reopened")
            }
            var passed = 0
            undecodableUsed = 0
            while passed <= ordinal {
                switch substitutingNames(fresh.next()) {
                case .entry, .failed: passed += 1
                case .end, .fatal: return .fatal("the archive could not be re-read past entry \(ordinal + 1)")
                }
            }
            reader = fresh
        }
        let step = substitutingNames(reader.next())
        switch step {
        case .entry, .failed: ordinal += 1
        case .end, .fatal: break
        }
        return step
    }

    private var undecodableUsed = 0

    /// libarchive drops names flagged UTF-8 that are not valid UTF-8; put back the raw bytes
    /// found by the directory pre-scan (same order: both follow the local headers).
    private func substitutingNames(_ step: LibArchiveReader.Next) -> LibArchiveReader.Next {
        guard case .entry(var header) = step, header.rawName.isEmpty,
              undecodableUsed < part.zipUndecodableNames.count else { return step }
        header.rawName = part.zipUndecodableNames[undecodableUsed]
        undecodableUsed += 1
        return .entry(header)
    }
}

// MARK: - Streaming pass

struct PartPass {
    let part: ExportArchive.Part
    let limits: ArchiveLimits
    let cap: Int64
    var issues: [ArchiveIssue] = []

    init(part: ExportArchive.Part, limits: ArchiveLimits, cap: Int64) {
        self.part = part; self.limits = limits; self.cap = cap
    }

    mutating func run(wanted: [Int: String], cache: [String: Data], folderNames: [String: [[UInt8]]],
                      body: (String, EntryReader) throws -> Void) throws {
        var remaining = wanted
        defer {
            for (_, path) in remaining.sorted(by: { $0.key < $1.key }) {
                issues.append(part.issue(path, .notFound, "not reached: the archive ended or failed before this entry"))
            }
        }
        if case .folder = part.container {
            // Files on disk cannot expand: their size is what they are.
            let budget = PassBudget(limit: Int64.max)
            for (ordinal, path) in wanted.sorted(by: { $0.key < $1.key }) {
                remaining[ordinal] = nil
                try visitFolderFile(path, rawPath: folderNames[path] ?? [], budget: budget, body: body)
            }
            return
        }
        try LibArchiveReader.withUTF8Names { try runArchive(remaining: &remaining, cache: cache, body: body) }
    }

    private mutating func runArchive(remaining: inout [Int: String], cache: [String: Data],
                                     body: (String, EntryReader) throws -> Void) throws {
        let budget = PassBudget(limit: limits.passBudget(forPartSize: part.size))
        let cursor: PartCursor
        do { cursor = try PartCursor(part) } catch let error as ReaderOpenError {
            issues.append(part.issue(nil, .corrupt, "cannot be reopened: \(error.message)"))
            return
        }
        while !remaining.isEmpty {
            let header: LibArchiveReader.Header
            switch cursor.next() {
            case .end: return
            case .fatal(let message):
                issues.append(part.issue(nil, .corrupt, "unreadable after \(cursor.ordinal + 1) entries: \(message)"))
                return
            case .failed: continue
            case .entry(let h): header = h
            }
            let ordinal = cursor.ordinal
            guard let path = remaining.removeValue(forKey: ordinal) else {
                if part.isTar, let declared = header.declaredSize, !budget.spend(declared) {
                    issues.append(part.issue(nil, .budgetExceeded, "decompression budget of \(budget.limit) bytes used up (possible zip bomb); stopped"))
                    return
                }
                continue
            }
            guard case .file(let again) = classify(header, in: part, limits: limits), again == path else {
                issues.append(part.issue(path, .corrupt, "the archive changed since it was indexed; skipped"))
                continue
            }
            let source: (UnsafeMutableRawBufferPointer) throws -> Int
            if let data = cache[path] {
                var offset = 0
                source = { buffer in
                    let n = min(buffer.count, data.count - offset)
                    data.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + n)])) }
                    offset += n
                    return n
                }
            } else {
                let reader = cursor.reader
                source = { try reader.read(into: $0) }
            }
            let entry = EntryReader(path: path, archiveName: part.name, declaredSize: header.declaredSize, cap: cap,
                                    enforceDeclaredSize: !part.isTar, budget: budget, source: source)
            defer { entry.invalidate() }
            do { try body(path, entry) } catch let issue as ArchiveIssue {
                issues.append(issue)
            }
            if budget.exhausted {
                issues.append(part.issue(nil, .budgetExceeded, "decompression budget of \(budget.limit) bytes used up (possible zip bomb); stopped"))
                return
            }
            if cursor.reader.isDead && !cursor.canResume { return }
            if part.isTar, let declared = header.declaredSize, declared > entry.bytesRead,
               !budget.spend(declared - entry.bytesRead) {
                issues.append(part.issue(nil, .budgetExceeded, "decompression budget of \(budget.limit) bytes used up (possible tar bomb); stopped"))
                return
            }
        }
    }

    private mutating func visitFolderFile(_ path: String, rawPath: [[UInt8]], budget: PassBudget,
                                          body: (String, EntryReader) throws -> Void) throws {
        let fd: Int32
        do { fd = try FolderFiles.open(root: part.url, components: rawPath) } catch let error as ReaderOpenError {
            issues.append(part.issue(path, .unreadable, error.message))
            return
        }
        defer { close(fd) }
        let entry = EntryReader(path: path, archiveName: part.name, declaredSize: nil, cap: cap,
                                enforceDeclaredSize: false, budget: budget) { buffer in
            while true {
                let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
                if n >= 0 { return n }
                if errno != EINTR { throw ReaderOpenError(message: String(cString: strerror(errno))) }
            }
        }
        defer { entry.invalidate() }
        do { try body(path, entry) } catch let issue as ArchiveIssue { issues.append(issue) }
    }
}

/// Opening a file inside an input folder one component at a time with O_NOFOLLOW, so a
/// symlink swapped in after indexing is refused rather than followed.
enum FolderFiles {
    /// The folder `root/components…`, each step opened with O_NOFOLLOW.
    static func openDirectory(root: URL, components rawComponents: [[UInt8]]) throws -> Int32 {
        var directory = Glibc.open(root.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { throw ReaderOpenError(message: String(cString: strerror(errno))) }
        for component in rawComponents.map({ $0.map { CChar(bitPattern: $0) } + [0] }) {
            let next = openat(directory, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            let failure = errno
            close(directory)
            guard next >= 0 else { throw ReaderOpenError(message: String(cString: strerror(failure))) }
            directory = next
        }
        return directory
    }

    static func open(root: URL, components rawComponents: [[UInt8]]) throws -> Int32 {
        var directory = Glibc.open(root.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { throw ReaderOpenError(message: "folder cannot be opened: \(String(cString: strerror(errno)))") }
        guard !rawComponents.isEmpty else { close(directory); throw ReaderOpenError(message: "no such file") }
        let components = rawComponents.map { $0.map { CChar(bitPattern: $0) } + [0] }
        for component in components.dropLast() {
            let next = openat(directory, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            let failure = errno
            close(directory)
            guard next >= 0 else { throw ReaderOpenError(message: "cannot open a folder on the way: \(String(cString: strerror(failure)))") }
            directory = next
        }
        let fd = openat(directory, components[components.count - 1], O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        let failure = errno
        close(directory)
        guard fd >= 0 else { throw ReaderOpenError(message: "cannot open: \(String(cString: strerror(failure)))") }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw ReaderOpenError(message: "not a regular file")
        }
        return fd
    }
}
