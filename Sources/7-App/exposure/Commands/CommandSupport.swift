import ArgumentParser
import Foundation

/// Exit statuses: 0 done (skips are reported, not fatal), 2 usage error, 3 nothing could be scanned.
enum ExitStatus {
    static let nothingScanned = ExitCode(3)
}

/// Prints a one-line error to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data(("exposure: " + message + "\n").utf8))
}

/// An inventory path that must already exist (summary, report, diff, plan never create one).
func existingDatabase(_ path: String) throws -> String {
    guard FileManager.default.fileExists(atPath: path) else {
        throw ValidationError("no inventory at \(path) (create one with `exposure scan ... --db \(path)`)")
    }
    return path
}

/// Writes text to a file, or standard output when the path is nil or "-".
func emit(_ text: String, to path: String?) throws {
    if let path, path != "-" {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    } else {
        FileHandle.standardOutput.write(Data(text.utf8))
        if !text.hasSuffix("\n") { FileHandle.standardOutput.write(Data("\n".utf8)) }
    }
}

/// Stable, readable JSON (sorted keys, no escaped slashes).
func prettyJSON<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
