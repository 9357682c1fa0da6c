import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs the `exposure` binary for the isolation and crash-safety tests, with extra
/// environment (the workers' test hooks) and, for the crash tests, a kill at a chosen moment.
enum ScanProcess {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// `$EXPOSURE_TEST_BINARY` when set (to run these tests against another build, e.g. an earlier
    /// commit's, and see which fail there), else this package's debug build.
    static var binary: URL {
        ProcessInfo.processInfo.environment["EXPOSURE_TEST_BINARY"].map(URL.init(fileURLWithPath:))
            ?? packageRoot.appendingPathComponent(".build/debug/exposure")
    }

    struct Run { var status: Int32; var out: String; var err: String; var killed: Bool; var seconds: Double }

    /// Runs `exposure args`; with `killAfter`, sends SIGKILL after that many seconds if it is
    /// still running (`killed` says whether it was).
    /// With `interruptWhen`, sends SIGINT (as Ctrl-C does) once it returns true (polled; at most 60 s).
    /// `executable`: another program than `exposure` (`unshare`, to run it in a namespace).
    static func run(_ args: [String], environment: [String: String] = [:], killAfter: Double? = nil,
                    interruptWhen: (() -> Bool)? = nil, executable: String? = nil) throws -> Run {
        let p = Process()
        p.executableURL = executable.map(URL.init(fileURLWithPath:)) ?? binary
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let outFile = FileManager.default.temporaryDirectory.appendingPathComponent("exposure-run-\(UUID().uuidString)")
        let errFile = outFile.appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: outFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outFile); try? FileManager.default.removeItem(at: errFile) }
        p.standardOutput = try FileHandle(forWritingTo: outFile)
        p.standardError = try FileHandle(forWritingTo: errFile)
        let start = Date()
        try p.run()
        var killed = false
        if let killAfter {
            let until = start.addingTimeInterval(killAfter)
            while p.isRunning && Date() < until { usleep(2_000) }
            if p.isRunning { kill(p.processIdentifier, SIGKILL); killed = true }
        }
        if let interruptWhen {
            let until = start.addingTimeInterval(60)
            while p.isRunning && !interruptWhen() && Date() < until { usleep(20_000) }
            if p.isRunning { kill(p.processIdentifier, SIGINT) }
        }
        p.waitUntilExit()
        return Run(status: p.terminationStatus, out: (try? String(contentsOf: outFile, encoding: .utf8)) ?? "",
                   err: (try? String(contentsOf: errFile, encoding: .utf8)) ?? "", killed: killed,
                   seconds: Date().timeIntervalSince(start))
    }

    /// The test images scripts/setup caches (FAIL, not skip, when absent).
    static func testImage(_ name: String) throws -> Data {
        let env = ProcessInfo.processInfo.environment
        let cache = env["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return try Data(contentsOf: cache.appendingPathComponent("exposure/testdata/face_recognition-1.3.0/\(name)"))
    }
}
