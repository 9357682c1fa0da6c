// Fuzz target: the archive reader (zip, tar, compressed tar) from raw bytes.
// The input is written to a temporary file, indexed with `ExportArchive(parts:)`, then every
// entry is streamed to the end, and a few are re-read with `contents(of:)`. Caps are lowered so
// a hostile input cannot make one run slow; traps, hangs and sanitizer reports are the bugs.
import ArchiveInput
import Foundation
import FuzzSupport

private let inputURL = URL(fileURLWithPath: NSTemporaryDirectory())
    .appendingPathComponent("exposure-fuzz-archive-\(getpid())").appendingPathComponent("input.zip")

private let limits: ArchiveLimits = {
    var limits = ArchiveLimits()
    limits.maxEntryBytes = 8 << 20
    limits.maxCachedFileBytes = 1 << 20
    limits.maxCachedTotalBytes = 8 << 20
    limits.maxBytesPerPass = 32 << 20
    return limits
}()

func fuzzOne(_ data: Data) {
    try? FileManager.default.createDirectory(at: inputURL.deletingLastPathComponent(), withIntermediateDirectories: true)
    guard (try? data.write(to: inputURL)) != nil else { fatalError("cannot write \(inputURL.path)") }
    defer { try? FileManager.default.removeItem(at: inputURL) }
    guard let archive = try? ExportArchive(parts: [inputURL], limits: limits) else { return }
    _ = archive.issues.count
    _ = try? archive.forEachFile { _, reader in _ = try reader.hashAll() }
    for path in archive.paths.prefix(3) {
        _ = archive.declaredSize(of: path)
        _ = try? archive.contents(of: path, maxBytes: 1 << 20)
    }
}

// MARK: - Entry points (see Sources/8-Tools/FuzzSupport/FuzzDriver.swift)
#if FUZZING
@_cdecl("FuzzArchive_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, fuzzOne)
}
#else
@main
enum Replay {
    static func main() throws { try FuzzDriver.replay("FuzzArchive", fuzzOne) }
}
#endif
