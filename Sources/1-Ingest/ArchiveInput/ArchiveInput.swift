// ArchiveInput: reads social-media export archives safely, in memory, read-only.
//
// PUBLIC API (what the scan pipeline calls)
//
//     let exports: [ExportArchive] = try ExportInputs.open(urls)   // zips, Takeout parts, .tgz, folders
//     // or ExportInputs.openEach(urls) -> [(parts: [URL], result: Result<ExportArchive, ArchiveIssue>)]
//     for export in exports {
//         export.displayName      // "takeout-20240712T112341Z-001.zip": first part's name, no directories
//         export.partNames        // ["takeout-…-001.zip", "takeout-…-002.zip"]
//         export.paths            // ExportFileTree: every regular file, relative, '/'-separated, sorted
//         export.issues           // [ArchiveIssue]: what indexing skipped, and why
//         try export.contents(of: "Takeout/…/IMG_1.jpg.json", maxBytes: 1 << 20)  // ExportFileTree
//         let passIssues = try export.forEachFile(mediaPaths) { path, reader in
//             var hasher = SHA256()
//             let bytes = try reader.readAll(hashingInto: &hasher)   // or reader.hashAll(), reader.stream { chunk in }
//             let digest = hasher.finalize()
//         }
//     }
//
// Types: ExportInputs (open, openEach, groupParts), ExportArchive (init(parts:limits:), displayName,
// partNames, paths, issues, declaredSize(of:), contents(of:maxBytes:), forEachFile(_:maxBytesPerEntry:_:)),
// EntryReader (path, declaredSize, bytesRead, read(into:), stream(chunkBytes:_:), readAll(),
// readAll(hashingInto:), hashAll()), ArchiveLimits, ArchiveIssue (archive, entry, kind, reason, summary(_:); the
// Error thrown), SHA256 / SHA256Digest.
//
// COST MODEL
//   - Opening indexes headers only, and caches metadata files (.json .js .html .htm .txt .csv .xml,
//     <= 64 MiB each, 2 GiB in all) so `contents(of:)` for them never touches the archive again.
//   - `forEachFile` makes ONE sequential pass per part over the requested files (archive order) and
//     stops a part early once its requested files are done. Use it for media.
//   - `contents(of:)` of an uncached file re-opens the part: cheap for zips (headers are visited by
//     seeking) and folders, a decompression up to that entry for tarballs.
//   - ExportArchive is immutable after opening; passes may run on several threads at once (each
//     pass opens its own read handle).
//
// WHAT IT READS
//   - zip (libarchive, seekable reader over the central directory; a Swift pre-scan of the
//     directory refuses spanned sets and reports overlapping entries (zip bombs));
//   - several zip/tgz parts of one export (Google Takeout `takeout-<stamp>-001.zip`, `-002.zip`…):
//     one merged file tree, because a photo and its JSON sidecar may sit in different parts;
//     other platforms' parts (Snapchat `mydata~<id>-K`, Meta's several zips) are recognised from their
//     content above this module (ExportFormats' Parts/ExportParts.swift) and joined with
//     `ExportArchive(joining:)` (JoinedExport.swift);
//   - tar, optionally gzip/bzip2/xz/zstd-compressed (stream-only: each pass decompresses once);
//   - an extracted folder (symlinks never followed, files opened with O_NOFOLLOW component by component).
//   The container is recognised by its first bytes, never by its file name. Anything else is
//   refused in words, with the next step (ForeignFiles.swift): a RAR or 7-Zip archive, a JPEG or
//   HTML page given as an export, an empty file, a compressed file with no tar inside…
//
// SAFETY MODEL
//   Nothing is extracted and nothing is written: entries are read into memory or streamed to
//   the caller. Inputs are opened O_RDONLY. Entry names are sanitised (EntryNames.swift);
//   unsafe names, links, special files, encrypted entries, duplicates and overlapping zip
//   entries are skipped and reported as ArchiveIssues (a password-protected zip in one line:
//   `Indexer.summariseEncrypted`). Every entry read is capped (per entry
//   and, for zips, at its declared size) and every pass has a total decompressed-byte budget,
//   so zip bombs stop with a message. Problems are collected; only a wholly unreadable input
//   throws.
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import ExposureModel

// MARK: - Limits and issues

/// Byte caps that bound work on hostile archives. All caps count actual decompressed bytes.
public struct ArchiveLimits: Sendable {
    /// Largest single entry a pass will deliver (a long video may exceed it and is reported).
    public var maxEntryBytes: Int64 = 512 << 20
    /// Metadata files (see `metadataExtensions`) up to this size are cached in memory while indexing.
    public var maxCachedFileBytes: Int64 = 64 << 20
    /// Upper bound for all cached metadata of one export.
    public var maxCachedTotalBytes: Int64 = 2 << 30
    /// Decompressed bytes one pass over one archive part may produce; nil means
    /// 1 GiB + 100 × the part's size on disk (real exports are mostly incompressible media).
    public var maxBytesPerPass: Int64? = nil
    /// Longest entry name accepted, in UTF-8 bytes.
    public var maxPathBytes: Int = 4096
    /// Extensions (lower case) of the small text files platform readers ask for.
    public var metadataExtensions: Set<String> = ["json", "js", "html", "htm", "txt", "csv", "xml"]

    public init() {}
    public static let `default` = ArchiveLimits()

    func passBudget(forPartSize size: Int64) -> Int64 {
        if let maxBytesPerPass { return maxBytesPerPass }
        let (scaled, overflow) = size.multipliedReportingOverflow(by: 100)
        let (total, overflow2) = scaled.addingReportingOverflow(1 << 30)
        return overflow || overflow2 ? Int64.max : total
    }
}

/// One problem with one input or entry: collected, not fatal. Also thrown (as an Error) when
/// a whole input is unreadable or a single read fails.
public struct ArchiveIssue: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case unsafePath, link, specialFile, encrypted, duplicate, overlap, tooLarge, budgetExceeded
        case corrupt, unsupported, notAnArchive, unreadable, nameEncoding, empty, notFound
    }
    /// File name of the archive part (or folder), without directories.
    public var archive: String
    /// Entry name as decoded from the archive (possibly unsafe; escape before display); nil for the whole archive.
    public var entry: String?
    public var kind: Kind
    public var reason: String
    /// Entries this issue stands for: 1, or how many one line sums up (a password-protected
    /// zip's encrypted entries).
    public var entryCount: Int

    public init(archive: String, entry: String?, kind: Kind, reason: String, entryCount: Int = 1) {
        self.archive = archive; self.entry = entry; self.kind = kind; self.reason = reason; self.entryCount = entryCount
    }

    public var description: String {
        if let entry { return "\(archive): \(entry): \(reason)" }
        return "\(archive): \(reason)"
    }

    /// One line for a scan summary: "skipped 3 entries: 2 unsafePath, 1 encrypted" (kinds in
    /// order of first appearance); nil when there are no issues.
    public static func summary(_ issues: [ArchiveIssue]) -> String? {
        guard !issues.isEmpty else { return nil }
        var order: [Kind] = []
        var counts: [Kind: Int] = [:]
        for issue in issues {
            if counts[issue.kind] == nil { order.append(issue.kind) }
            counts[issue.kind, default: 0] += max(1, issue.entryCount)
        }
        let total = counts.values.reduce(0, +)
        let parts = order.map { "\(counts[$0]!) \($0.rawValue)" }.joined(separator: ", ")
        return "skipped \(total) \(total == 1 ? "entry" : "entries"): \(parts)"
    }
}

// MARK: - Opening inputs

public enum ExportInputs {
    /// Opens every input; Takeout-style parts (`<stem>-001.zip`, `<stem>-002.zip`… or `.tgz`)
    /// become one merged export. Throws only when an input cannot be read at all.
    public static func open(_ urls: [URL], limits: ArchiveLimits = .default) throws -> [ExportArchive] {
        try groupParts(urls).map { try ExportArchive(parts: $0, limits: limits) }
    }

    /// Like `open`, but one unreadable input does not prevent the others from opening:
    /// one result per group of parts, in the order of `groupParts`.
    public static func openEach(_ urls: [URL], limits: ArchiveLimits = .default)
        -> [(parts: [URL], result: Result<ExportArchive, ArchiveIssue>)] {
        groupParts(urls).map { parts in
            do { return (parts, .success(try ExportArchive(parts: parts, limits: limits))) } catch let issue as ArchiveIssue {
                return (parts, .failure(issue))
            } catch {
                return (parts, .failure(ArchiveIssue(archive: EntryNames.displayName(parts[0]), entry: nil,
                                                     kind: .unreadable, reason: "\(error)")))
            }
        }
    }

    /// Groups inputs that are numbered parts of one export (same stem, same directory,
    /// `-NNN` before the extension); order of first appearance, parts sorted by number.
    public static func groupParts(_ urls: [URL]) -> [[URL]] {
        var groups: [[URL]] = []
        var groupIndex: [String: Int] = [:]
        for url in urls {
            guard let (stem, _) = partName(url) else { groups.append([url]); continue }
            let key = url.deletingLastPathComponent().standardizedFileURL.path + "\u{0}" + stem
            if let index = groupIndex[key] {
                groups[index].append(url)
                groups[index].sort { (partName($0)?.number ?? 0) < (partName($1)?.number ?? 0) }
            } else {
                groupIndex[key] = groups.count
                groups.append([url])
            }
        }
        return groups
    }

    /// "takeout-20240712T112341Z-002.zip" → ("takeout-20240712T112341Z|zip", 2)
    static func partName(_ url: URL) -> (stem: String, number: Int)? {
        let name = url.lastPathComponent
        let lower = name.lowercased()
        guard let ext = [".tar.gz", ".tgz", ".zip"].first(where: { lower.hasSuffix($0) }) else { return nil }
        let base = name.dropLast(ext.count)
        guard let dash = base.lastIndex(of: "-") else { return nil }
        let digits = base[base.index(after: dash)...]
        guard digits.count == 3, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(digits)
        else { return nil }
        return (String(base[..<dash]) + "|" + ext, number)
    }
}

// MARK: - One export

/// One export as a merged, read-only file tree over one or more archive parts or a folder.
public final class ExportArchive: ExportFileTree {
    /// The first part's file (or folder) name, without directories.
    public let displayName: String
    /// Every regular file, relative, '/'-separated, normalised, sorted.
    public let paths: [String]
    /// Everything skipped or wrong while indexing, in archive order.
    public let issues: [ArchiveIssue]
    public let limits: ArchiveLimits

    let parts: [Part]
    let locations: [String: Location]
    let cache: [String: Data]
    let folderNames: [String: [[UInt8]]]

    struct Part: Sendable {
        var url: URL
        var name: String
        var container: Container
        var size: Int64
        /// Zip only: entries the directory pre-scan refused (reported, never shown to libarchive),
        /// and how many entries libarchive should then list.
        var zipRejected: [ZipDirectory.Rejection] = []
        var zipDeclaredCount: UInt64? = nil
        /// Zip only, when entries were refused: libarchive reads the file's first
        /// `zipVirtualPrefix` bytes followed by this rewritten directory.
        var zipVirtualTail: [UInt8]? = nil
        var zipVirtualPrefix: UInt64 = 0
        /// Zip only: names flagged UTF-8 that are not, in local-header order. libarchive cannot
        /// convert them and returns no name at all; the cursor substitutes these raw bytes.
        var zipUndecodableNames: [[UInt8]] = []
        /// Compressed tar only: the compressor its first bytes name (for the message when no tar is inside).
        var compressor: (name: String, tool: String)? = nil
    }

    enum Container: Sendable { case zip(seekable: Bool), tar, folder }

    struct Location: Sendable {
        var part: Int
        /// Header index within the part, counting every header libarchive returns.
        var ordinal: Int
        var declaredSize: Int64?
    }

    /// Opens and indexes the given parts as one export (headers only; small metadata files
    /// are cached). Throws when no part is readable.
    public init(parts urls: [URL], limits: ArchiveLimits = .default) throws {
        precondition(!urls.isEmpty, "ExportArchive needs at least one input")
        self.limits = limits
        displayName = EntryNames.displayName(urls[0])
        var issues: [ArchiveIssue] = []
        var parts: [Part] = []
        var firstError: ArchiveIssue? = nil
        var index = Indexer(limits: limits)
        for url in urls {
            do {
                let (part, partIssues) = try ExportArchive.recognise(url)
                try index.indexPart(part, number: parts.count)
                parts.append(part)
                issues += partIssues
            } catch let issue as ArchiveIssue {
                if firstError == nil { firstError = issue }
                issues.append(issue)
            }
        }
        if parts.isEmpty, let firstError { throw firstError }
        issues += index.issues
        if index.locations.isEmpty && issues.isEmpty {
            issues.append(ArchiveIssue(archive: displayName, entry: nil, kind: .empty, reason: "contains no files"))
        }
        self.parts = parts
        self.locations = index.locations
        self.cache = index.cache
        self.folderNames = index.folderNames
        self.paths = index.locations.keys.sorted()
        self.issues = issues
    }

    /// Several opened exports' parts as one export (JoinedExport.swift builds the arguments).
    init(displayName: String, parts: [Part], locations: [String: Location], cache: [String: Data],
         folderNames: [String: [[UInt8]]], issues: [ArchiveIssue], limits: ArchiveLimits) {
        self.displayName = displayName; self.parts = parts; self.locations = locations; self.cache = cache
        self.folderNames = folderNames; self.paths = locations.keys.sorted(); self.issues = issues; self.limits = limits
    }

    /// File names of the parts (or the folder), without directories, in part order.
    public var partNames: [String] { parts.map(\.name) }

    /// The size the entry's header declares (untrusted; for progress display only).
    public func declaredSize(of path: String) -> Int64? { locations[path]?.declaredSize }

    // MARK: ExportFileTree

    public func contents(of path: String, maxBytes: Int) throws -> Data {
        guard let location = locations[path] else {
            throw ArchiveIssue(archive: displayName, entry: path, kind: .notFound, reason: "no such file")
        }
        if let data = cache[path] {
            guard data.count <= maxBytes else {
                throw ArchiveIssue(archive: parts[location.part].name, entry: path, kind: .tooLarge,
                                   reason: "file is \(data.count) bytes, more than the \(maxBytes)-byte limit")
            }
            return data
        }
        var result: Data? = nil
        let failures = try forEachFile([path], maxBytesPerEntry: Int64(maxBytes)) { _, reader in
            result = try reader.readAll()
        }
        if let result { return result }
        throw failures.first ?? ArchiveIssue(archive: parts[location.part].name, entry: path, kind: .notFound,
                                             reason: "entry not found when re-reading the archive")
    }

    // MARK: Streaming pass

    /// Visits the requested files (all when `paths` is nil) in archive order, one sequential
    /// pass per part, handing each to `body` with a reader capped at `maxBytesPerEntry`
    /// (default `limits.maxEntryBytes`). A failed read (corrupt data, cap, budget) thrown out of
    /// `body` as an ArchiveIssue is recorded and the pass continues; other errors stop the pass
    /// and are rethrown. Returns the problems of this pass, including requested files that
    /// could not be reached.
    @discardableResult
    public func forEachFile(_ paths: Set<String>? = nil, maxBytesPerEntry: Int64? = nil,
                            _ body: (String, EntryReader) throws -> Void) throws -> [ArchiveIssue] {
        let cap = min(maxBytesPerEntry ?? limits.maxEntryBytes, limits.maxEntryBytes)
        var wanted: [Int: [Int: String]] = [:]
        for (path, location) in locations where paths?.contains(path) ?? true {
            wanted[location.part, default: [:]][location.ordinal] = path
        }
        var issues: [ArchiveIssue] = []
        if let paths {
            for path in paths.sorted() where locations[path] == nil {
                issues.append(ArchiveIssue(archive: displayName, entry: path, kind: .notFound, reason: "no such file"))
            }
        }
        for (number, part) in parts.enumerated() {
            guard let partWanted = wanted[number], !partWanted.isEmpty else { continue }
            var pass = PartPass(part: part, limits: limits, cap: cap)
            try pass.run(wanted: partWanted, cache: cache, folderNames: folderNames, body: body)
            issues += pass.issues
        }
        return issues
    }

    // MARK: Recognising a container

    static func recognise(_ url: URL) throws -> (Part, [ArchiveIssue]) {
        let name = EntryNames.displayName(url)
        func fail(_ kind: ArchiveIssue.Kind, _ reason: String) -> ArchiveIssue {
            ArchiveIssue(archive: name, entry: nil, kind: kind, reason: reason)
        }
        var info = stat()
        guard stat(url.path, &info) == 0 else {
            throw fail(.unreadable, "cannot open: \(String(cString: strerror(errno)))")
        }
        if info.st_mode & S_IFMT == S_IFDIR {
            return (Part(url: url, name: name, container: .folder, size: 0), [])
        }
        guard info.st_mode & S_IFMT == S_IFREG else { throw fail(.notAnArchive, "not a regular file or folder") }
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw fail(.unreadable, "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let size = UInt64(info.st_size)
        let head = size == 0 ? [] : ZipDirectory.readBytes(fd: fd, offset: 0, count: Int(min(size, 512))) ?? []
        guard !head.isEmpty else {
            if size > 0 { throw fail(.unreadable, "cannot read its first bytes") }
            let refusal = ForeignFile.refusal(head: head, fileName: name)
            throw fail(refusal.kind, refusal.reason)
        }
        func starts(_ magic: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + magic.count && Array(head[offset..<(offset + magic.count)]) == magic
        }
        let part = { (container: Container) in Part(url: url, name: name, container: container, size: Int64(size)) }
        if starts([0x50, 0x4b, 0x07, 0x08]) || starts([0x50, 0x4b, 0x30, 0x30]) {
            throw fail(.unsupported, "first part of a spanned (multi-disk) zip set; that format is not supported — join the parts with `zip -s 0` first")
        }
        if starts([0x50, 0x4b, 0x03, 0x04]) || starts([0x50, 0x4b, 0x05, 0x06]) {
            switch ZipDirectory.scan(fd: fd, fileSize: size) {
            case .refused(let reason): throw fail(.unsupported, reason)
            case .unusable(let reason):
                return (part(.zip(seekable: false)),
                        [fail(.corrupt, "\(reason); entries were read from their local headers in order, later ones may be missing")])
            case .ok(let directory):
                var zip = part(.zip(seekable: true))
                zip.zipRejected = directory.rejected.sorted { $0.key < $1.key }.map(\.value)
                zip.zipDeclaredCount = UInt64(directory.records.count - directory.rejected.count)
                if !directory.rejected.isEmpty {
                    zip.zipVirtualTail = directory.rewrittenTail()
                    zip.zipVirtualPrefix = directory.directoryOffset
                }
                var issues: [ArchiveIssue] = []
                if directory.declaredEntryCount != UInt64(directory.records.count) {
                    issues.append(fail(.corrupt, "central directory lists \(directory.declaredEntryCount) entries but \(directory.records.count) could be read; the missing ones are skipped"))
                }
                zip.zipUndecodableNames = directory.records.enumerated()
                    .filter { directory.rejected[$0.offset] == nil }.map(\.element)
                    .filter { $0.flags & 0x0800 != 0 && String(validating: $0.rawName, as: UTF8.self) == nil }
                    .sorted { $0.localHeaderOffset < $1.localHeaderOffset }
                    .map(\.rawName)
                return (zip, issues)
            }
        }
        if let compressor = ForeignFile.compressor(head: head) {
            var tar = part(.tar)
            tar.compressor = compressor
            return (tar, [])
        }
        if starts(Array("ustar".utf8), at: 257) { return (part(.tar), []) }
        // Anything else is named, with what to do about it (ForeignFiles.swift).
        let refusal = ForeignFile.refusal(head: head, fileName: name)
        throw fail(refusal.kind, refusal.reason)
    }
}

// MARK: - Reading entries

/// The bytes of one entry during a pass. Valid only inside the `forEachFile` body.
/// Every read counts against the entry cap, the entry's declared size (zips) and the pass budget.
public final class EntryReader {
    public let path: String
    /// Size from the entry's header: untrusted, for progress and buffer hints only.
    public let declaredSize: Int64?
    public private(set) var bytesRead: Int64 = 0

    let archiveName: String
    let cap: Int64
    let enforceDeclaredSize: Bool
    let source: (UnsafeMutableRawBufferPointer) throws -> Int
    let budget: PassBudget
    private var atEnd = false

    /// Called when the body returns: the reader must not touch the archive afterwards.
    func invalidate() { atEnd = true }

    init(path: String, archiveName: String, declaredSize: Int64?, cap: Int64, enforceDeclaredSize: Bool,
         budget: PassBudget, source: @escaping (UnsafeMutableRawBufferPointer) throws -> Int) {
        self.path = path; self.archiveName = archiveName; self.declaredSize = declaredSize
        self.cap = cap; self.enforceDeclaredSize = enforceDeclaredSize; self.budget = budget; self.source = source
    }

    private func issue(_ kind: ArchiveIssue.Kind, _ reason: String) -> ArchiveIssue {
        ArchiveIssue(archive: archiveName, entry: path, kind: kind, reason: reason)
    }

    /// Reads the next bytes into `buffer`; returns 0 at the end of the entry.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if atEnd || buffer.count == 0 { return 0 }
        let n: Int
        do { n = try source(buffer) } catch let error as ReaderOpenError {
            atEnd = true
            throw issue(.corrupt, "unreadable after \(bytesRead) bytes: \(error.message)")
        }
        if n == 0 { atEnd = true; return 0 }
        bytesRead += Int64(n)
        if bytesRead > cap {
            atEnd = true
            throw issue(.tooLarge, "more than the \(cap)-byte limit for one file; skipped")
        }
        if enforceDeclaredSize, let declaredSize, bytesRead > declaredSize {
            atEnd = true
            throw issue(.tooLarge, "decompresses to more than the \(declaredSize) bytes its header declares (possible zip bomb); skipped")
        }
        if !budget.spend(Int64(n)) {
            atEnd = true
            throw issue(.budgetExceeded, "the archive's decompression budget of \(budget.limit) bytes is used up (possible zip bomb); skipped")
        }
        return n
    }

    /// Streams the rest of the entry in chunks; returns the number of bytes delivered.
    @discardableResult
    public func stream(chunkBytes: Int = 1 << 20, _ chunk: (UnsafeRawBufferPointer) throws -> Void) throws -> Int64 {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkBytes, alignment: 16)
        defer { buffer.deallocate() }
        var total: Int64 = 0
        while true {
            let n = try read(into: buffer)
            if n == 0 { return total }
            total += Int64(n)
            try chunk(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
    }

    /// Small entries (most sidecars are under a kilobyte) get a small scratch buffer; the
    /// declared size is only a hint, the loop reads until the real end either way.
    private var chunkHint: Int {
        let declared = min(declaredSize ?? Int64(1 << 20), Int64(1 << 20))   // clamp first: the claim may be Int64.max
        return Int(min(Int64(1 << 20), max(Int64(4096), declared + 1)))
    }

    /// The whole rest of the entry (within the caps).
    public func readAll() throws -> Data {
        var data = Data()
        // The declared size is untrusted: use it only as a bounded capacity hint.
        data.reserveCapacity(Int(max(0, min(declaredSize ?? 0, cap, 64 << 20))))
        try stream(chunkBytes: chunkHint) { data.append($0.bindMemory(to: UInt8.self)) }
        return data
    }

    /// The whole rest of the entry, hashing it on the way.
    public func readAll(hashingInto hasher: inout SHA256) throws -> Data {
        var data = Data()
        data.reserveCapacity(Int(max(0, min(declaredSize ?? 0, cap, 64 << 20))))
        try stream(chunkBytes: chunkHint) { chunk in
            hasher.update(chunk)
            data.append(chunk.bindMemory(to: UInt8.self))
        }
        return data
    }

    /// Hashes the rest of the entry without keeping it; returns the digest and byte count.
    public func hashAll() throws -> (SHA256Digest, Int64) {
        var hasher = SHA256()
        let count = try stream { hasher.update($0) }
        return (hasher.finalize(), count)
    }
}

/// Decompressed bytes left for one pass over one part.
final class PassBudget {
    let limit: Int64
    private(set) var spent: Int64 = 0
    init(limit: Int64) { self.limit = limit }
    func spend(_ bytes: Int64) -> Bool {
        let (sum, overflow) = spent.addingReportingOverflow(max(0, bytes))   // claims can be near Int64.max
        spent = overflow ? Int64.max : sum
        return spent <= limit
    }
    var exhausted: Bool { spent > limit }
}
