import XCTest
import Foundation

/// Headless Chromium for the browser tests (BrowserTests, PhoneLayoutTests). Installed by
/// scripts/setup; a test that needs it fails, not skips, without it.
enum Chromium {
    struct Run { let stdout: String; let stderr: String; let netLog: URL }
    struct Missing: Error, CustomStringConvertible {
        var description: String { "chromium not found on PATH: run scripts/setup (CI installs it)" }
    }
    struct Pending { let process: Process; let name: String; let out: URL; let err: URL; let netLog: URL }

    /// .build/test-artifacts/: screenshots and pages for people to look at.
    static let artifacts: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/test-artifacts", isDirectory: true)

    /// `$EXPOSURE_CHROMIUM` if set (it must then exist), else `chromium` or `chromium-browser` on PATH.
    static func path() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["EXPOSURE_CHROMIUM"] {
            guard FileManager.default.isExecutableFile(atPath: explicit) else { throw Missing() }
            return explicit
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") + ["/usr/bin", "/usr/local/bin"] {
            for name in ["chromium", "chromium-browser"] {
                let candidate = "\(dir)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        // A failure, not a skip: CI installs chromium, and a silently skipped XSS test proves nothing.
        throw Missing()
    }

    /// Starts one headless Chromium with its own profile, background networking off, every host name
    /// unresolvable, and a NetLog of every request it starts. Several run at once to keep the tests short.
    static func start(_ mode: [String], page: URL, in dir: URL, name: String) throws -> Pending {
        let binary = try path()
        let netLog = dir.appendingPathComponent("\(name).netlog.json")
        let out = dir.appendingPathComponent("\(name).stdout"), err = dir.appendingPathComponent("\(name).stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--no-default-browser-check",
            "--user-data-dir=" + dir.appendingPathComponent("profile-\(name)").path,
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
            "--disable-extensions", "--disable-features=Translate,OptimizationHints,MediaRouter,SpellCheck",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--log-net-log=" + netLog.path, "--enable-logging=stderr", "--v=0",
        ] + mode + [page.absoluteString]
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        return Pending(process: process, name: name, out: out, err: err, netLog: netLog)
    }

    static func finish(_ pending: Pending, deadline: Date) throws -> Run {
        while pending.process.isRunning && Date() < deadline { usleep(50_000) }
        if pending.process.isRunning {
            pending.process.terminate()
            XCTFail("chromium did not finish in time for \(pending.name)")
        }
        pending.process.waitUntilExit()
        return Run(stdout: try String(contentsOf: pending.out, encoding: .utf8),
                   stderr: try String(contentsOf: pending.err, encoding: .utf8), netLog: pending.netLog)
    }

    /// URLs of requests the page itself started (the browser's own housekeeping has initiator
    /// "not an origin"). A `file://` page load is not a URL request, so the expected list is empty.
    static func pageRequests(_ netLog: URL) throws -> [String] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: netLog)) as? [String: Any]
        let constants = json?["constants"] as? [String: Any]
        let types = constants?["logEventTypes"] as? [String: Int]
        let startJob = try XCTUnwrap(types?["URL_REQUEST_START_JOB"], "NetLog without URL_REQUEST_START_JOB")
        let events = json?["events"] as? [[String: Any]] ?? []
        return events.compactMap { event in
            guard event["type"] as? Int == startJob, let params = event["params"] as? [String: Any],
                  let url = params["url"] as? String, params["initiator"] as? String != "not an origin" else { return nil }
            return url
        }
    }

    /// Console messages, uncaught errors and CSP refusals from Chromium's log.
    static func consoleLines(_ stderr: String) -> [String] {
        stderr.split(separator: "\n").map(String.init).filter {
            $0.contains(":CONSOLE") || $0.contains("Uncaught") || $0.contains("Content Security Policy") || $0.contains("Refused to")
        }
    }
}
