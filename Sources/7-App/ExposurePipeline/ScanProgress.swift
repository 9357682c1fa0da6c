/// What a scan tells whoever runs it while it works: an archive's files begin, each one done,
/// a note (an entry skipped, a warning), the end. The command line draws it on the terminal
/// (`exposure`'s ProgressReporter); tests and the demo's callers may pass `SilentProgress`.
/// Called from the scan's tasks at once: implementations are thread-safe.
public protocol ScanProgress: AnyObject, Sendable {
    func begin(_ label: String, total: Int)
    func advance(by n: Int)
    func note(_ message: String)
    func finish()
}

extension ScanProgress {
    public func advance() { advance(by: 1) }
}

/// Progress nobody sees.
public final class SilentProgress: ScanProgress {
    public init() {}
    public func begin(_ label: String, total: Int) {}
    public func advance(by n: Int) {}
    public func note(_ message: String) {}
    public func finish() {}
}
