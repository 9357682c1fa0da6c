// Fuzz target: the archive reader (zip, tar, compressed tar) from raw bytes.
// The input is written to a temporary file, indexed with `ExportArchive(parts:)`, then every
// entry is streamed to the end, and a few are re-read with `contents(of:)`. Caps are lowered so
// a hostile input cannot make one run slow; traps, hangs and sanitizer reports are the bugs.
import ArchiveInput
import Foundation

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

// MARK: - Entry points
//
// Built with `scripts/fuzz` (flags -sanitize=fuzzer,address -DFUZZING), libFuzzer drives
// fuzzOne. SwiftPM links executables with `--defsym main=FuzzArchive_main`, so libFuzzer's own main
// is never used: this target's renamed main hands control to libFuzzer's LLVMFuzzerRunDriver.
// In a normal build the executable replays the files named on the command line through the
// same function (reproducing a crash without sanitizers: `swift run FuzzArchive crash-file`).
#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("FuzzArchive_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { bytes, size in
        fuzzOne(bytes.map { Data(bytes: $0, count: size) } ?? Data())
        return 0
    }
}
#else
@main
enum Replay {
    static func main() throws {
        let files = CommandLine.arguments.dropFirst()
        if files.isEmpty { print("usage: FuzzArchive INPUT... (replays inputs; build with scripts/fuzz to fuzz)") }
        for file in files {
            fuzzOne(try Data(contentsOf: URL(fileURLWithPath: file)))
            print("\(file): ok")
        }
    }
}
#endif
