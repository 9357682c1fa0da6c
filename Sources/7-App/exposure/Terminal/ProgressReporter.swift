import ExposurePipeline
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Scan progress on standard error: a redrawn bar (done/total, rate, ETA) on a terminal,
/// plain lines (at most one every few seconds) otherwise. Thread-safe.
final class ProgressReporter: ScanProgress, @unchecked Sendable {
    private let lock = NSLock()
    private let isTerminal: Bool
    private let quiet: Bool
    private var total = 0, done = 0
    private var label = ""
    private var started = Date()
    private var lastPrint = Date.distantPast

    init(quiet: Bool = false) {
        self.quiet = quiet
        isTerminal = isatty(STDERR_FILENO) != 0
    }

    func begin(_ label: String, total: Int) {
        lock.lock(); defer { lock.unlock() }
        self.label = label; self.total = total; done = 0; started = Date(); lastPrint = .distantPast
        draw(force: true)
    }

    func advance(by n: Int) {
        lock.lock(); defer { lock.unlock() }
        done += n
        draw(force: done == total)
    }

    /// A message on its own line (an entry skipped, a warning).
    func note(_ message: String) {
        lock.lock(); defer { lock.unlock() }
        guard !quiet else { return }
        if isTerminal { write("\r\u{1B}[K") }
        write(message + "\n")
        draw(force: true)
    }

    func finish() {
        lock.lock(); defer { lock.unlock() }
        if isTerminal && !quiet && total > 0 { write("\n") }
        total = 0
    }

    private func draw(force: Bool) {
        guard !quiet, total > 0 else { return }
        let now = Date()
        let interval = isTerminal ? 0.1 : 5.0
        guard force || now.timeIntervalSince(lastPrint) >= interval else { return }
        lastPrint = now
        let elapsed = max(now.timeIntervalSince(started), 1e-3)
        let rate = Double(done) / elapsed
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let stats = "\(done)/\(total)  \(String(format: "%.1f", rate))/s  ETA \(Self.clock(eta))"
        if isTerminal {
            let width = 30
            let filled = total > 0 ? width * done / total : width
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            write("\r\u{1B}[K\(label) [\(bar)] \(stats)")
        } else {
            write("\(label): \(stats)\n")
        }
    }

    private func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
