import ArgumentParser
import ExposurePipeline
import Foundation

/// Exit statuses: 0 done (skips are reported, not fatal), 1 failed while working, 2 usage error
/// (something given cannot be used; nothing was changed), 3 nothing could be scanned,
/// 130 / 143 interrupted (Ctrl-C / SIGTERM; what was scanned is saved and the same command resumes).
enum ExitStatus {
    static let nothingScanned = ExitCode(3)
}

/// Prints a one-line error to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data(("exposure: " + message + "\n").utf8))
}

/// Writes text to standard output, with a final newline.
func printOut(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
    if !text.hasSuffix("\n") { FileHandle.standardOutput.write(Data("\n".utf8)) }
}

/// Stable, readable JSON (sorted keys, no escaped slashes).
func prettyJSON<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// A refusal of the command line, in a person's words (exit status 2).
struct UsageProblem: UserFacingError {
    var description: String
    var isUsageError: Bool { true }
    init(_ description: String) { self.description = description }
}

/// A failure while working, in a person's words (exit status 1).
struct WorkProblem: UserFacingError {
    var description: String
    var isUsageError: Bool { false }
    init(_ description: String) { self.description = description }
}

/// The file a command writes with `-o` (the report, the comparison). It never destroys what the
/// user has: the text goes to a temporary file beside the target, which is then renamed over it,
/// so an interrupted or failed write leaves the old file; and the target is refused when it is
/// one of the command's inputs, a folder, an archive or an inventory, or an existing file that
/// Exposure did not write (its reports carry `marker` in their head), unless `force`.
enum OutputFile {
    static let marker = "<meta name=\"generator\" content=\"Exposure\">"

    static func write(_ text: String, to path: String, inputs: [String], force: Bool) throws {
        try check(path, inputs: inputs, force: force)
        let target = URL(fileURLWithPath: path)
        let folder = target.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(target.lastPathComponent).exposure-\(getpid()).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporary.path) else {
            throw UsageProblem("cannot write in \(folder.path) (permission denied or read-only): choose another -o")
        }
        do {
            try handle.write(contentsOf: Data(text.utf8))
            try handle.synchronize()
            try handle.close()
            guard rename(temporary.path, target.path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            try? handle.close()
            unlink(temporary.path)
            let detail = FileProblem.describe(error)
            throw WorkProblem("could not write \(path): \(detail)" + (detail.contains("space") ? "; free some space and run the command again" : ""))
        }
    }

    /// Why `path` must not be written, or nothing.
    static func check(_ path: String, inputs: [String], force: Bool) throws {
        let target = URL(fileURLWithPath: path)
        var isFolder: ObjCBool = false
        let parent = target.deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: parent, isDirectory: &isFolder), isFolder.boolValue else {
            throw UsageProblem("cannot write \(path): its folder \(parent) does not exist")
        }
        guard FileManager.default.isWritableFile(atPath: parent) else {
            throw UsageProblem("cannot write \(path): the folder \(parent) is not writable")
        }
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return }
        if isFolder.boolValue {
            throw UsageProblem("\(path) is a folder: give -o a file name, for example \(target.appendingPathComponent("report.html").path)")
        }
        for input in inputs where FileProblem.sameFile(input, path) || FileProblem.sameFile(input + "-wal", path) {
            throw UsageProblem("-o \(path) is one of this command's inputs: refusing to overwrite it; choose another file")
        }
        guard !force else { return }
        let head = FileProblem.head(path, bytes: 4096)
        if let what = FileProblem.archiveOrInventory(head) {
            throw UsageProblem("-o \(path) is \(what): refusing to overwrite it (choose another file, or add --force)")
        }
        if !String(decoding: head, as: UTF8.self).contains(marker) {
            throw UsageProblem("-o \(path) exists and is not a report Exposure wrote: refusing to overwrite it (choose another file, or add --force)")
        }
    }
}

/// File-system facts and messages for the command line.
enum FileProblem {
    /// Same file on disk (device and inode), whatever the path's spelling.
    static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }

    static func head(_ path: String, bytes: Int) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        return [UInt8]((try? handle.read(upToCount: bytes)) ?? Data())
    }

    /// "a zip archive", "an Exposure inventory", ... for files -o must never replace.
    static func archiveOrInventory(_ head: [UInt8]) -> String? {
        func starts(_ bytes: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + bytes.count && Array(head[offset..<offset + bytes.count]) == bytes
        }
        if starts(Array("SQLite format 3\u{0}".utf8)) { return "an SQLite database (an inventory?)" }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) || starts([0x50, 0x4B, 0x07, 0x08]) { return "a zip archive" }
        if starts([0x1F, 0x8B]) { return "a gzip-compressed file (an archive?)" }
        if starts(Array("ustar".utf8), at: 257) { return "a tar archive" }
        if starts([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) { return "a 7-Zip archive" }
        if starts(Array("Rar!".utf8)) { return "a RAR archive" }
        if starts([0xFF, 0xD8, 0xFF]) || starts([0x89, 0x50, 0x4E, 0x47]) { return "an image" }
        return nil
    }

    /// Any error in words: Foundation's and the system's through `describe`, Exposure's own as they say.
    static func message(_ error: Error) -> String {
        if error is CocoaError || error is POSIXError || type(of: error) == NSError.self { return describe(error) }
        return "\(error)"
    }

    /// An error of the file system in words ("no space left on the device"), without error domains.
    static func describe(_ error: Error) -> String {
        let ns = error as NSError
        var code: Int32?
        if ns.domain == NSPOSIXErrorDomain { code = Int32(ns.code) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain { code = Int32(underlying.code) }
        if let posix = error as? POSIXError { code = posix.code.rawValue }
        if code == nil && ns.domain == NSCocoaErrorDomain {
            switch ns.code {
            case NSFileWriteOutOfSpaceError: code = ENOSPC
            case NSFileWriteNoPermissionError, NSFileReadNoPermissionError: code = EACCES
            case NSFileNoSuchFileError, NSFileReadNoSuchFileError: code = ENOENT
            case NSFileWriteVolumeReadOnlyError: code = EROFS
            default: break
            }
        }
        switch code {
        case ENOSPC?, EDQUOT?: return "no space left on the device"
        case EACCES?, EPERM?: return "permission denied"
        case EROFS?: return "the file system is read-only"
        case ENOENT?: return "no such file or folder"
        case EISDIR?: return "it is a folder"
        case let c?: return String(cString: strerror(c))
        case nil: return ns.localizedFailureReason ?? ns.localizedDescription
        }
    }
}
